import { useEffect, useMemo, useState } from 'react';
import { getMeetingEngine, useMeeting } from './meetingStore';
import { EndpointTile } from './EndpointTile';
import { useRoomText } from './roomMessages';
import type { RemoteTrack } from './engineEvents';

/**
 * The basic meeting room: tiles with unit names, mic / camera / screen / hand /
 * leave, presence, chat, and the host's actions. Joins on mount, leaves on unmount.
 */
export function MeetingRoom(props: {
  meetingId: string;
  token: string;
  mic?: boolean;
  camera?: boolean;
}) {
  const text = useRoomText();
  const s = useMeeting();
  const [draft, setDraft] = useState('');

  useEffect(() => {
    void useMeeting.getState().join({
      meetingId: props.meetingId,
      token: props.token,
      mic: props.mic ?? true,
      camera: props.camera ?? true,
    });
    return () => void useMeeting.getState().leave();
  }, [props.meetingId, props.token, props.mic, props.camera]);

  const tracks = s.tracks;
  const byEndpoint = useMemo(() => {
    const m: Record<string, RemoteTrack[]> = {};
    for (const t of Object.values(tracks)) (m[t.endpointId] ??= []).push(t);
    return m;
  }, [tracks]);
  const localVideo = s.local.camera
    ? (getMeetingEngine()?.producer('camera')?.track ?? undefined)
    : undefined;

  if (s.connection === 'ended' || (!s.self && s.error)) {
    return (
      <section className="room-ended panel">
        {s.endedReason ? (
          <p>{text(`ended_${s.endedReason}`)}</p>
        ) : (
          <p role="alert" data-error-code={s.error}>
            {s.error}
          </p>
        )}
      </section>
    );
  }
  if (!s.self) return <p className="boot">{text('joining')}</p>;

  const others = Object.values(s.endpoints);
  return (
    <section className="meeting-room" aria-label={s.meeting?.title}>
      <header className="room-header">
        <h1>{s.meeting?.title}</h1>
        {s.meeting?.locked && <span className="badge">{text('locked')}</span>}
        {s.connection === 'reconnecting' && <span role="status">{text('reconnecting')}</span>}
      </header>
      {s.mutedByHost && (
        <p role="status" className="hint">
          {text('hostMuted')}
        </p>
      )}
      {s.error && (
        <p role="alert" className="error-text" data-error-code={s.error}>
          {s.error}
        </p>
      )}
      <div className="tiles">
        <EndpointTile endpoint={s.self} tracks={[]} self localVideo={localVideo} />
        {others.map((e) => (
          <EndpointTile key={e.id} endpoint={e} tracks={byEndpoint[e.id] ?? []} />
        ))}
      </div>
      <nav className="room-controls">
        <button className="btn" aria-pressed={s.local.mic} onClick={() => void s.toggleMic()}>
          {s.local.mic ? text('micOn') : text('micOff')}
        </button>
        <button className="btn" aria-pressed={s.local.camera} onClick={() => void s.toggleCamera()}>
          {s.local.camera ? text('camOn') : text('camOff')}
        </button>
        <button className="btn" aria-pressed={s.local.screen} onClick={() => void s.toggleScreen()}>
          {s.local.screen ? text('screenOn') : text('screenOff')}
        </button>
        <button
          className="btn"
          onClick={() => void (s.self?.handRaised ? s.lowerHand() : s.raiseHand())}
        >
          {s.self.handRaised ? text('lowerHand') : text('raiseHand')}
        </button>
        {s.isHost && (
          <>
            <button className="btn" onClick={() => void s.muteAll()}>
              {text('muteAll')}
            </button>
            <button className="btn" onClick={() => void s.takeFloor()}>
              {text('takeFloor')}
            </button>
            <button className="btn" onClick={() => void s.lowerAllHands()}>
              {text('lowerAllHands')}
            </button>
            <button className="btn" onClick={() => void s.lockMeeting(!s.meeting?.locked)}>
              {s.meeting?.locked ? text('unlock') : text('lock')}
            </button>
          </>
        )}
        <button className="btn btn-danger" onClick={() => void s.leave()}>
          {text('leave')}
        </button>
      </nav>
      <aside className="room-side">
        <h2>
          {text('present')} ({others.length + 1})
        </h2>
        <ul className="presence-list">
          {[s.self, ...others].map((e) => (
            <li key={e.id} data-unit-id={e.unitId}>
              {e.unitName} {e.handRaised && '✋'}
            </li>
          ))}
        </ul>
        <h2>{text('chat')}</h2>
        <ol className="chat-list">
          {s.chat.map((m) => (
            <li key={m.id}>
              <strong>{m.unitName}:</strong> {m.text}
            </li>
          ))}
        </ol>
        <form
          onSubmit={(ev) => {
            ev.preventDefault();
            if (draft.trim()) void s.sendChat(draft).then((ok) => ok && setDraft(''));
          }}
        >
          <input
            value={draft}
            maxLength={2000}
            onChange={(ev) => setDraft(ev.target.value)}
            aria-label={text('chat')}
          />
          <button className="btn btn-small" type="submit">
            {text('send')}
          </button>
        </form>
      </aside>
    </section>
  );
}
