import { useEffect, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../app/Icon';
import { navigate } from '../../app/router';
import { useAuth } from '../auth/authStore';
import { coolJoin, warmJoin } from '../meeting/warmJoin';
import { startJoinTrace } from '../meeting/joinTrace';
import { useUnits } from '../units/unitsStore';
import { loadDevicePrefs, saveDevicePrefs, type JoinMode } from './devicePrefs';
import { useJoinChoice } from './joinChoice';
import {
  judgeLink,
  runLinkTest,
  suggestMode,
  type LinkTestResult,
  type LinkVerdict,
} from './linkTest';
import { useMicLevel } from './useMicLevel';
import { MeetingHeading } from './MeetingHeading';
import { JoinOutlook } from './JoinOutlook';
import { EngineStatus, useEngineReady } from './EngineStatus';
import { measuredLink, rememberLink } from './linkMemory';
import { useMeetingAccess } from './meetingAccess';
import { ErrorText } from '../i18n/ErrorText';
import './prejoin.css';

type MediaError = 'denied' | 'noDevice' | null;

/**
 * The check before entering a room: hear your microphone, see your camera, test
 * the link, choose video or audio-only. The choice is remembered on this device.
 * Nothing opens (no device, no meeting socket) until the server says this unit
 * may enter: a unit that is not invited is told so at once.
 */
export default function PreJoinPage({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const access = useMeetingAccess(meetingId);
  if (access.state === 'allowed') return <PreJoinCheck meetingId={meetingId} />;
  return (
    <section className="prejoin" aria-labelledby="prejoin-title">
      <h1 id="prejoin-title">{t('prejoin.title')}</h1>
      {access.state === 'checking' ? (
        <p role="status">{t('prejoin.checkingAccess')}</p>
      ) : (
        <div className="panel prejoin-refused">
          <h2>{t('prejoin.cannotJoin')}</h2>
          <ErrorText code={access.code} />
          <button
            type="button"
            className="btn btn-primary"
            onClick={() => navigate({ name: 'home' })}
          >
            {t('room.back')}
          </button>
        </div>
      )}
    </section>
  );
}

function PreJoinCheck({ meetingId }: { meetingId: string }) {
  const { t } = useTranslation();
  const account = useAuth((s) => s.account);
  const token = useAuth((s) => s.token);
  const unit = useUnits((s) => (account ? s.index?.byId.get(account.unitId) : undefined));
  const [prefs] = useState(loadDevicePrefs);
  // What the user picked on this device; until then the link test's suggestion decides.
  const [userMode, setUserMode] = useState<JoinMode | null>(prefs?.chosen ? prefs.mode : null);
  const [micId, setMicId] = useState(prefs?.micId);
  const [cameraId, setCameraId] = useState(prefs?.cameraId);
  const [devices, setDevices] = useState<MediaDeviceInfo[]>([]);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [mediaError, setMediaError] = useState<MediaError>(null);
  const [test, setTest] = useState<{ result: LinkTestResult | null; verdict: LinkVerdict } | null>(
    null,
  );
  const [testing, setTesting] = useState(true);
  const videoRef = useRef<HTMLVideoElement>(null);
  const suggested: JoinMode | null = test
    ? suggestMode(test.verdict, unit?.linkProfile)
    : unit?.linkProfile === 'poor'
      ? 'audioOnly'
      : null;
  // A suggestion never overrides what the user chose on this device.
  const mode: JoinMode = userMode ?? suggested ?? prefs?.mode ?? 'video';
  const level = useMicLevel(stream);
  const engineReady = useEngineReady();
  const micSel = useId();
  const camSel = useId();

  // Open the chosen devices; reopen when the choice changes.
  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    const constraints: MediaStreamConstraints = {
      audio: micId ? { deviceId: { exact: micId } } : true,
      video:
        mode === 'video'
          ? { ...(cameraId ? { deviceId: { exact: cameraId } } : {}), width: 640, height: 360 }
          : false,
    };
    navigator.mediaDevices
      ?.getUserMedia(constraints)
      .then(async (s) => {
        if (cancelled) return s.getTracks().forEach((tr) => tr.stop());
        opened = s;
        setStream(s);
        setMediaError(null);
        setDevices(await navigator.mediaDevices.enumerateDevices());
      })
      .catch((err: unknown) => {
        if (cancelled) return;
        const name = err instanceof DOMException ? err.name : '';
        setMediaError(name === 'NotAllowedError' ? 'denied' : 'noDevice');
        setStream(null);
      });
    return () => {
      cancelled = true;
      opened?.getTracks().forEach((tr) => tr.stop());
    };
  }, [mode, micId, cameraId]);

  useEffect(() => {
    if (videoRef.current) videoRef.current.srcObject = stream;
  }, [stream]);

  const applyTest = (result: LinkTestResult | null) => {
    const verdict = judgeLink(result);
    setTest({ result, verdict });
    setTesting(false);
    // This device's latest measurement: its next join (the banner's too) starts from it.
    if (verdict !== 'failed') rememberLink(verdict, 'test');
  };
  const startTest = () => {
    setTesting(true);
    void runLinkTest().then(applyTest);
  };

  // While the user checks devices, the join is prepared: the click then costs one round trip.
  useEffect(() => {
    if (token) warmJoin(meetingId, token);
  }, [meetingId, token]);

  // The link test runs once on arrival: it takes a second on a good link.
  useEffect(() => {
    let live = true;
    void runLinkTest().then((r) => live && applyTest(r));
    return () => {
      live = false;
    };
  }, []);

  const choose = (m: JoinMode) => {
    setUserMode(m);
    saveDevicePrefs({ mode: m, micId, cameraId, chosen: true });
  };

  const join = () => {
    startJoinTrace();
    saveDevicePrefs({ mode, micId, cameraId, chosen: userMode !== null });
    stream?.getTracks().forEach((tr) => tr.stop());
    useJoinChoice.getState().set({ meetingId, mode, micId, cameraId, measured });
    navigate({ name: 'room', meetingId });
  };

  const measured = measuredLink(testing ? null : test?.verdict);
  const mics = devices.filter((d) => d.kind === 'audioinput');
  const cams = devices.filter((d) => d.kind === 'videoinput');

  return (
    <section className="prejoin" aria-labelledby="prejoin-title">
      <h1 id="prejoin-title">{t('prejoin.title')}</h1>
      <MeetingHeading meetingId={meetingId} />
      <div className="prejoin-grid">
        <div className="panel prejoin-preview">
          {mode === 'video' && !mediaError ? (
            <video
              ref={videoRef}
              autoPlay
              muted
              playsInline
              aria-label={t('prejoin.cameraPreview')}
            />
          ) : (
            <div className="prejoin-novideo" role="img" aria-label={t('prejoin.audioOnlyPreview')}>
              <Icon name="headset" size={56} />
              <p>{t('prejoin.audioOnlyPreview')}</p>
            </div>
          )}
          <div className="mic-meter">
            <span id={`${micSel}-meter`}>{t('prejoin.micLevel')}</span>
            <div
              className="meter"
              role="meter"
              aria-labelledby={`${micSel}-meter`}
              aria-valuemin={0}
              aria-valuemax={100}
              aria-valuenow={Math.round(level * 100)}
            >
              <div className="meter-fill" style={{ width: `${Math.round(level * 100)}%` }} />
            </div>
          </div>
          {mediaError && (
            <p role="alert" className="error-text">
              {t(mediaError === 'denied' ? 'prejoin.denied' : 'prejoin.noDevice')}
            </p>
          )}
        </div>
        <div className="panel prejoin-settings">
          <fieldset className="mode-choice">
            <legend>{t('prejoin.mode')}</legend>
            {(['video', 'audioOnly'] as const).map((m) => (
              <label key={m} className="radio-card">
                <input
                  type="radio"
                  name="mode"
                  value={m}
                  checked={mode === m}
                  onChange={() => choose(m)}
                />
                <span>
                  <strong>{t(`prejoin.${m}`)}</strong>
                  <span className="muted"> — {t(`prejoin.${m}Hint`)}</span>
                  {suggested === m && <span className="suggested">{t('prejoin.suggested')}</span>}
                </span>
              </label>
            ))}
          </fieldset>
          {mics.length > 0 && (
            <>
              <label htmlFor={micSel}>{t('prejoin.microphone')}</label>
              <select
                id={micSel}
                value={micId ?? ''}
                onChange={(e) => setMicId(e.target.value || undefined)}
              >
                <option value="">{t('prejoin.defaultDevice')}</option>
                {mics.map((d, i) => (
                  <option key={d.deviceId || i} value={d.deviceId}>
                    {d.label || `${t('prejoin.microphone')} ${i + 1}`}
                  </option>
                ))}
              </select>
            </>
          )}
          {mode === 'video' && cams.length > 0 && (
            <>
              <label htmlFor={camSel}>{t('prejoin.camera')}</label>
              <select
                id={camSel}
                value={cameraId ?? ''}
                onChange={(e) => setCameraId(e.target.value || undefined)}
              >
                <option value="">{t('prejoin.defaultDevice')}</option>
                {cams.map((d, i) => (
                  <option key={d.deviceId || i} value={d.deviceId}>
                    {d.label || `${t('prejoin.camera')} ${i + 1}`}
                  </option>
                ))}
              </select>
            </>
          )}
          <div className="link-test" aria-live="polite">
            <h2>{t('prejoin.linkTest')}</h2>
            {testing && <p role="status">{t('prejoin.testing')}</p>}
            {!testing && test && (
              <p className={`link-verdict verdict-${test.verdict}`} data-verdict={test.verdict}>
                {t(`prejoin.verdict.${test.verdict}`)}
                {test.result &&
                  ` (${t('prejoin.measured', { rtt: test.result.rttMs, kbps: test.result.downKbps })})`}
              </p>
            )}
            {!testing && test && suggested === 'audioOnly' && mode === 'video' && (
              <p className="warn-text">{t('prejoin.suggestAudioOnly')}</p>
            )}
            <button type="button" className="btn btn-small" onClick={startTest} disabled={testing}>
              {t('prejoin.retest')}
            </button>
          </div>
          <JoinOutlook mode={mode} measured={measured} />
          <EngineStatus />
          <div className="prejoin-actions">
            <button
              type="button"
              className="btn"
              onClick={() => {
                coolJoin();
                navigate({ name: 'home' });
              }}
            >
              {t('app.cancel')}
            </button>
            {/* Allowed once the engine is on the device: the click then costs the join alone. */}
            <button type="button" className="btn btn-join" onClick={join} disabled={!engineReady}>
              {t('home.join')}
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}
