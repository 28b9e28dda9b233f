import { useMemo, useState } from 'react';
import { DialIn } from '../room/DialIn';
import { useTranslation } from 'react-i18next';
import { Icon } from '../../app/Icon';
import type { EndpointView, MeetingView } from '@giaoban/signaling/protocol/meeting';
import { errorCodeOf, type ClientErrorCode } from '../../app/api';
import { ErrorText } from '../i18n/ErrorText';
import { indicatorFromPresence } from '../meeting/link/linkIndicator';
import { LinkBadge } from '../room/LinkBadge';
import { useUnits } from '../units/unitsStore';
import { buildRollCall, countByStatus, rollCallStatuses, type RollCallStatus } from './rollCall';
import './hostPanel.css';

/** What a host can do; the room wires these to signaling requests and the scheduler. */
export interface HostActions {
  mute(endpointId: string): Promise<unknown>;
  muteAll(): Promise<unknown>;
  giveFloor(endpointId: string): Promise<unknown>;
  takeFloor(): Promise<unknown>;
  lowerAllHands(): Promise<unknown>;
  remove(endpointId: string): Promise<unknown>;
  lock(locked: boolean): Promise<unknown>;
  /** Starts (true) or stops (false) the meeting's recording. */
  record(on: boolean): Promise<unknown>;
  end(): Promise<unknown>;
  downloadAttendance(): Promise<unknown>;
}

interface Props {
  meeting: MeetingView;
  endpoints: readonly EndpointView[];
  invitedUnitIds: readonly string[];
  seenUnitIds: ReadonlySet<string>;
  selfEndpointId: string;
  actions: HostActions;
  onClose?(): void;
}

type Filter = 'all' | RollCallStatus;

/** The host's side panel: roll call of every invited unit, and the moderation controls. */
export function HostPanel(props: Props) {
  const { meeting, endpoints, invitedUnitIds, seenUnitIds, selfEndpointId, actions } = props;
  const { t } = useTranslation();
  const index = useUnits((s) => s.index);
  const [filter, setFilter] = useState<Filter>('all');
  const [error, setError] = useState<ClientErrorCode | null>(null);
  const [busy, setBusy] = useState(false);

  const rows = useMemo(
    () =>
      buildRollCall({
        invitedUnitIds,
        endpoints,
        seenUnitIds,
        floorEndpointId: meeting.floorEndpointId,
        unitName: (u) => index?.byId.get(u)?.name,
        selfEndpointId,
      }),
    [invitedUnitIds, endpoints, seenUnitIds, meeting.floorEndpointId, index, selfEndpointId],
  );
  const counts = countByStatus(rows);
  const shown = [...(filter === 'all' ? rows : rows.filter((r) => r.status === filter))].sort(
    (a, b) => Number(b.handRaised) - Number(a.handRaised),
  );
  const hands = rows.filter((r) => r.handRaised).length;

  const run = async (fn: () => Promise<unknown>, confirmText?: string) => {
    if (confirmText && !window.confirm(confirmText)) return;
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorCodeOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <aside className="host-panel" aria-labelledby="host-panel-title">
      <div className="host-panel-head">
        <h2 id="host-panel-title">{t('host.title')}</h2>
        {props.onClose && (
          <button type="button" className="btn btn-small btn-ghost" onClick={props.onClose}>
            {t('app.close')}
          </button>
        )}
      </div>
      <DialIn meetingId={meeting.id} />
      <div className="host-controls" role="group" aria-label={t('host.controls')}>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          onClick={() => void run(actions.muteAll)}
        >
          {t('host.muteAll')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy || hands === 0}
          onClick={() => void run(actions.lowerAllHands)}
        >
          {t('host.lowerHands')}
          {hands > 0 && ` (${hands})`}
        </button>
        {meeting.floorEndpointId && (
          <button
            type="button"
            className="btn btn-small"
            disabled={busy}
            onClick={() => void run(actions.takeFloor)}
          >
            {t('host.takeFloor')}
          </button>
        )}
        <button
          type="button"
          className="btn btn-small"
          aria-pressed={meeting.locked}
          disabled={busy}
          onClick={() => void run(() => actions.lock(!meeting.locked))}
        >
          {meeting.locked ? t('host.unlock') : t('host.lock')}
        </button>
        <button
          type="button"
          className={meeting.recording ? 'btn btn-small btn-danger' : 'btn btn-small'}
          aria-pressed={!!meeting.recording}
          disabled={busy}
          onClick={() => void run(() => actions.record(!meeting.recording))}
        >
          {meeting.recording ? t('host.stopRecord') : t('host.record')}
        </button>
        <button
          type="button"
          className="btn btn-small"
          disabled={busy}
          onClick={() => void run(actions.downloadAttendance)}
        >
          {t('host.attendanceCsv')}
        </button>
        <button
          type="button"
          className="btn btn-small btn-danger"
          disabled={busy}
          onClick={() => void run(actions.end, t('host.confirmEnd'))}
        >
          {t('host.end')}
        </button>
      </div>
      {error && <ErrorText code={error} />}
      <div className="rollcall-filters" role="group" aria-label={t('host.filter')}>
        {(['all', ...rollCallStatuses] as Filter[]).map((f) => (
          <button
            key={f}
            type="button"
            className={`chip chip-${f}`}
            aria-pressed={filter === f}
            onClick={() => setFilter(f)}
          >
            {t(`host.status.${f}`)} {f === 'all' ? rows.length : counts[f]}
          </button>
        ))}
      </div>
      <ul className="rollcall" aria-label={t('host.rollCall')}>
        {shown.map((r) => (
          <li
            key={r.unitId}
            className={`rollcall-row status-${r.status}`}
            data-unit-id={r.unitId}
            data-status={r.status}
          >
            <div className="rollcall-unit">
              <span className="rollcall-name">
                {r.handRaised && (
                  <span className="hand">
                    <Icon name="hand" size={16} label={t('host.handRaised')} />
                  </span>
                )}
                {r.unitName}
                {!r.invited && <span className="badge">{t('host.guest')}</span>}
                {r.endpoint?.phone && (
                  <span className="badge badge-phone" data-phone="true">
                    {t('room.phone')}
                  </span>
                )}
                {r.hasFloor && <span className="badge badge-open">{t('host.hasFloor')}</span>}
              </span>
              <span className="rollcall-status">
                <span className={`dot dot-${r.status}`} aria-hidden="true" />
                {t(`host.status.${r.status}`)}
                {r.endpoint?.hostMuted && ` · ${t('host.muted')}`}
                {r.endpoint && r.status !== 'left' && (
                  <LinkBadge
                    indicator={indicatorFromPresence({
                      state: r.endpoint.linkState,
                      audioOnly: r.status === 'audioOnly',
                    })}
                  />
                )}
              </span>
            </div>
            {r.endpoint && r.endpoint.connected && (
              <div className="rollcall-actions">
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy || r.endpoint.hostMuted}
                  aria-label={`${t('host.mute')} ${r.unitName}`}
                  onClick={() => void run(() => actions.mute(r.endpoint!.id))}
                >
                  {t('host.mute')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy || r.hasFloor}
                  aria-label={`${t('host.giveFloor')} ${r.unitName}`}
                  onClick={() => void run(() => actions.giveFloor(r.endpoint!.id))}
                >
                  {t('host.giveFloor')}
                </button>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy}
                  aria-label={`${t('host.remove')} ${r.unitName}`}
                  onClick={() =>
                    void run(
                      () => actions.remove(r.endpoint!.id),
                      t('host.confirmRemove', { name: r.unitName }),
                    )
                  }
                >
                  {t('host.remove')}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
