import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type {
  OccurrenceRecordings,
  RecordingDetail,
  RecordingSummary,
} from '@giaoban/scheduler/api/recordings';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { Link } from '../../app/Link';
import { ErrorText } from '../i18n/ErrorText';
import { formatDateTime } from '../i18n/dateTime';
import { clock, fileUrl, isDetail, occurrenceRecordings } from './recordingsApi';
import './recordings.css';

/** An occurrence's page: its recordings with the minutes (speakers, timeline), player and downloads. */
export default function OccurrencePage({ occurrenceId }: { occurrenceId: string }) {
  const { t } = useTranslation();
  const [data, setData] = useState<OccurrenceRecordings | null>(null);
  const [error, setError] = useState<ClientErrorCode | null>(null);

  useEffect(() => {
    let live = true;
    occurrenceRecordings(occurrenceId).then(
      (d) => live && setData(d),
      (err: unknown) => live && setError(errorCodeOf(err)),
    );
    return () => {
      live = false;
    };
  }, [occurrenceId]);

  const anyPlayable = data?.recordings.some((r) => r.mayPlay) ?? false;
  return (
    <main id="main" className="panel recordings-page" aria-labelledby="rec-title">
      <h1 id="rec-title">{t('recordings.title')}</h1>
      {error && <ErrorText code={error} />}
      {data && data.recordings.length === 0 && <p>{t('recordings.none')}</p>}
      {data && data.recordings.length > 0 && !anyPlayable && (
        <p className="recordings-exists">{t('recordings.exists')}</p>
      )}
      {data?.recordings.map((r) =>
        isDetail(r) ? <Recording key={r.id} r={r} /> : <Existing key={r.id} r={r} />,
      )}
      {anyPlayable && (
        <p>
          <a href={`/api/attendance/${encodeURIComponent(occurrenceId)}/csv?minutes=1`}>
            {t('recordings.attendanceWithMinutes')}
          </a>
        </p>
      )}
      <Link to={{ name: 'home' }}>{t('recordings.back')}</Link>
    </main>
  );
}

function Existing({ r }: { r: RecordingSummary }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="recording" data-recording-id={r.id}>
      <h2>{r.title}</h2>
      <p className="muted">
        {t('recordings.started', { time: formatDateTime(r.startedAt, i18n.language) })}
      </p>
    </section>
  );
}

function Recording({ r }: { r: RecordingDetail }) {
  const { t, i18n } = useTranslation();
  const audio = useRef<HTMLAudioElement>(null);
  const seek = (ms: number) => {
    const a = audio.current;
    if (!a) return;
    a.currentTime = ms / 1000;
    void a.play().catch(() => undefined);
  };
  return (
    <section className="recording" data-recording-id={r.id} aria-label={r.title}>
      <h2>{r.title}</h2>
      <p className="muted">
        {t('recordings.started', { time: formatDateTime(r.startedAt, i18n.language) })} ·{' '}
        {t('recordings.duration', { minutes: Math.round(r.durationMs / 60_000) })}
        {r.status === 'recording' && (
          <span className="badge rec-badge">{t('recordings.inProgress')}</span>
        )}
        {r.status === 'failed' && <span className="badge">{t('recordings.failed')}</span>}
        {r.auto && <span className="badge">{t('recordings.auto')}</span>}
        {r.segments > 1 && (
          <span className="badge">{t('recordings.segments', { count: r.segments })}</span>
        )}
      </p>
      {r.mix && (
        <>
          <h3>{t('recordings.player')}</h3>
          <audio ref={audio} controls preload="metadata" src={fileUrl(r.id, r.mix.file)} />
          <p>
            <a href={fileUrl(r.id, r.mix.file, true)}>{t('recordings.downloadMix')}</a> ·{' '}
            <a href={fileUrl(r.id, 'minutes.json', true)}>{t('recordings.downloadMinutes')}</a>
          </p>
        </>
      )}
      {r.speakers.length > 0 && (
        <>
          <h3>{t('recordings.speakers')}</h3>
          <ol className="speaker-turns">
            {r.speakers.map((s) => (
              <li key={`${s.unitId}-${s.fromMs}`}>
                <button
                  type="button"
                  className="btn btn-small btn-ghost"
                  aria-label={t('recordings.seek', { time: clock(s.fromMs), name: s.unitName })}
                  onClick={() => seek(s.fromMs)}
                >
                  {clock(s.fromMs)}
                </button>{' '}
                {s.unitName} <span className="muted">({clock(s.toMs - s.fromMs)})</span>
              </li>
            ))}
          </ol>
        </>
      )}
      <details>
        <summary>{t('recordings.timeline')}</summary>
        <ol className="timeline">
          {r.timeline.map((e, i) => (
            <li key={i}>
              <span className="muted">{clock(e.t)}</span> {t(`recordings.event.${e.type}`)}
              {e.unitName && ` · ${e.unitName}`}
            </li>
          ))}
        </ol>
      </details>
      <details>
        <summary>{t('recordings.tracks')}</summary>
        <ul className="tracks">
          {r.tracks
            .filter((tr) => tr.file.endsWith('.ogg'))
            .map((tr) => (
              <li key={tr.file}>
                {clock(tr.offsetMs)} {tr.unitName}{' '}
                <a href={fileUrl(r.id, tr.file, true)}>{t('recordings.downloadTrack')}</a>
              </li>
            ))}
        </ul>
      </details>
    </section>
  );
}
