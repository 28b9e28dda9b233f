import { useEffect, useId, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { RollCall } from '@giaoban/scheduler/api/notifications';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { navigate } from '../../app/router';
import { useAuth } from '../auth/authStore';
import { ErrorText } from '../i18n/ErrorText';
import { useNotifications } from '../notifications/notificationsStore';
import { useJoinChoice } from '../prejoin/joinChoice';
import { measureAndRemember } from '../prejoin/linkTest';
import { toSelectors } from '../scheduling/selectors';
import { UnitTreePicker } from '../scheduling/UnitTreePicker';
import { subtree, useUnits } from '../units/unitsStore';
import { canConvene } from './canConvene';
import type { Emergency } from '@giaoban/scheduler/api/emergency';
import {
  conveneEmergency,
  endEmergency,
  getRollCall,
  listEmergencies,
  realertEmergency,
} from './emergencyApi';
import { formatTime } from '../i18n/dateTime';
import { RollCallBoard } from './RollCallBoard';
import './emergency.css';
import { Loading } from '../../app/Loading';

const pollMs = 5000;
const storeRollCall = (rc: RollCall) =>
  useNotifications.getState().receive('emergency:rollCall', rc);

/** The commander's screen: choose units, convene in one action, watch the roll call live. */
export default function ConvenePage() {
  const { t, i18n } = useTranslation();
  const account = useAuth((s) => s.account);
  const index = useUnits((s) => s.index);
  const id = useId();
  const [title, setTitle] = useState(() => t('convene.defaultTitle'));
  const [message, setMessage] = useState(() => t('convene.defaultMessage'));
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [active, setActive] = useState<Emergency | null>(null);
  const [realerted, setRealerted] = useState<number | null>(null);
  // Pushes and polls land in one place: the notifications store.
  const rollCall = useNotifications((s) => (active ? s.rollCalls[active.id] : undefined));

  // The commander's link is measured while the form is filled: a good link starts the
  // room with the camera at once, which is what the convened communes wait to see.
  useEffect(() => void measureAndRemember(), []);

  // After a reload, pick up the emergency this unit convened that is still running.
  useEffect(() => {
    let live = true;
    listEmergencies().then(
      (list) => {
        const running = list.find((e) => !e.endedAt && e.convenerUnitId === account?.unitId);
        if (live && running) {
          setActive((a) => a ?? running);
          void getRollCall(running.id).then(storeRollCall, () => undefined);
        }
      },
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [account?.unitId]);

  // The push carries every change; a slow poll covers a lost push connection.
  useEffect(() => {
    if (!active) return;
    let live = true;
    const poll = () =>
      getRollCall(active.id).then(
        (rc) => live && storeRollCall(rc),
        () => undefined,
      );
    const timer = setInterval(poll, pollMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [active]);

  if (!account || !index) return <Loading />;
  if (!canConvene(account, index)) return <ErrorText code="FORBIDDEN" />;
  const scope = index.byId.get(account.unitId);
  if (!scope) return null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (picked.size === 0 || !window.confirm(t('convene.confirm', { count: picked.size }))) return;
    setBusy(true);
    setError(null);
    try {
      const res = await conveneEmergency({
        title: title.trim(),
        message: message.trim(),
        selectors: toSelectors(index, scope.id, picked),
      });
      storeRollCall(res.rollCall);
      setActive(res.emergency);
      // The form was long: start the roll call at its top.
      window.scrollTo(0, 0);
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  // Units that neither acknowledged nor joined: the convener may sound their siren again.
  const silent = rollCall?.units.filter((u) => !u.acknowledgedAt && !u.joinedAt).length ?? 0;
  const realert = async () => {
    if (!active) return;
    setError(null);
    try {
      const res = await realertEmergency(active.id);
      setActive(res.emergency);
      setRealerted(res.unitIds.length);
    } catch (err) {
      setError(errorCodeOf(err));
    }
  };

  const end = async () => {
    if (!active || !window.confirm(t('convene.confirmEnd'))) return;
    try {
      setActive(await endEmergency(active.id));
    } catch (err) {
      setError(errorCodeOf(err));
    }
  };

  if (active)
    return (
      <section aria-labelledby={`${id}-active`}>
        <div className="page-head convene-head">
          <div>
            <p className="badge badge-emergency">
              {active.endedAt ? t('convene.ended') : t('convene.active')}
            </p>
            <h1 id={`${id}-active`}>{active.title}</h1>
          </div>
          <div className="form-actions">
            {!active.endedAt && (
              <>
                <button
                  type="button"
                  className="btn btn-join"
                  onClick={() => {
                    useJoinChoice.getState().set({ meetingId: active.meetingId, mode: 'video' });
                    navigate({ name: 'room', meetingId: active.meetingId });
                  }}
                >
                  {t('convene.joinRoom')}
                </button>
                <button
                  type="button"
                  className="btn btn-emergency"
                  onClick={() => void realert()}
                  disabled={silent === 0}
                >
                  {t('convene.realert', { count: silent })}
                </button>
                <button type="button" className="btn btn-danger" onClick={() => void end()}>
                  {t('convene.end')}
                </button>
              </>
            )}
          </div>
        </div>
        {active.realertedAt && (
          <p role="status" className="realerted">
            {t('convene.realerted', { time: formatTime(active.realertedAt, i18n.language) })}
            {realerted !== null && ` ${t('convene.realertedUnits', { count: realerted })}`}
          </p>
        )}
        {error && <ErrorText code={error} />}
        {rollCall ? <RollCallBoard rollCall={rollCall} /> : <Loading />}
      </section>
    );

  const everyone = subtree(index, scope.id)
    .filter((u) => u.id !== scope.id)
    .map((u) => u.id);
  return (
    <section aria-labelledby={`${id}-title`}>
      <h1 id={`${id}-title`}>{t('convene.title')}</h1>
      <p className="muted">{t('convene.intro')}</p>
      <form onSubmit={(e) => void submit(e)} className="convene-form">
        <div className="panel">
          <label htmlFor={`${id}-t`}>{t('convene.meetingTitle')}</label>
          <input
            id={`${id}-t`}
            required
            maxLength={200}
            value={title}
            onChange={(e) => setTitle(e.target.value)}
          />
          <label htmlFor={`${id}-m`}>{t('convene.message')}</label>
          <textarea
            id={`${id}-m`}
            rows={2}
            maxLength={500}
            value={message}
            onChange={(e) => setMessage(e.target.value)}
          />
        </div>
        <div className="panel">
          <button
            type="button"
            className="btn btn-small"
            onClick={() => setPicked(new Set(everyone))}
          >
            {t('convene.wholeScope', { name: scope.name })}
          </button>
          <UnitTreePicker
            index={index}
            scopeId={scope.id}
            selected={picked}
            onChange={setPicked}
            label={t('convene.units')}
          />
        </div>
        {error && <ErrorText code={error} />}
        <div className="form-actions">
          <span className="spacer" />
          <button
            type="submit"
            className="btn btn-danger btn-convene"
            disabled={busy || picked.size === 0}
          >
            {busy ? t('convene.submitting') : `${t('convene.submit')} (${picked.size})`}
          </button>
        </div>
      </form>
    </section>
  );
}
