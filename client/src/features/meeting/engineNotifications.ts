import type { EngineEvent } from './engineEvents';
import type { MeetingEngine } from './mediaEngine';
import type { SignalingClient } from './signalingClient';

/** Turns server notifications into engine actions and events. */
export function wireNotifications(
  engine: MeetingEngine,
  s: SignalingClient,
  emit: (e: EngineEvent) => void,
): void {
  s.on('presence:joined', ({ endpoint }) => emit({ type: 'presenceJoined', endpoint }));
  s.on('presence:left', ({ endpointId }) => emit({ type: 'presenceLeft', endpointId }));
  s.on('presence:updated', ({ endpoint }) => emit({ type: 'presenceUpdated', endpoint }));
  s.on('meeting:updated', ({ meeting }) => emit({ type: 'meetingUpdated', meeting }));
  s.on('meeting:ended', ({ reason }) => engine.ended(reason));
  s.on('media:newProducer', ({ producer }) => {
    emit({ type: 'producerAdded', producer });
    engine.consumeSoon(producer.id).catch(() => emit({ type: 'error', code: 'CONSUME_FAILED' }));
  });
  s.on('media:producerClosed', ({ producerId, endpointId }) =>
    emit({ type: 'producerClosed', producerId, endpointId }),
  );
  s.on('media:producerPaused', ({ producerId, endpointId }) =>
    emit({ type: 'producerState', producerId, endpointId, paused: true }),
  );
  s.on('media:producerResumed', ({ producerId, endpointId }) =>
    emit({ type: 'producerState', producerId, endpointId, paused: false }),
  );
  s.on('media:consumerClosed', ({ consumerId }) => engine.consumerClosed(consumerId));
  s.on('media:activeSpeaker', ({ endpointId }) => emit({ type: 'activeSpeaker', endpointId }));
  s.on('media:videoSelection', ({ producerIds }) => emit({ type: 'videoSelection', producerIds }));
  s.on(
    'media:reconnect',
    ({ reason }) =>
      void engine.rejoin(reason).catch(() => emit({ type: 'error', code: 'UNAVAILABLE' })),
  );
  s.on('moderation:muted', () => {
    engine.mutedByHost();
    emit({ type: 'mutedByHost' });
  });
  s.on('chat:message', ({ message }) => emit({ type: 'chat', message }));
  s.on('recording:stopped', ({ reason }) => emit({ type: 'recordingStopped', reason }));
  s.on('link:state', (notice) => {
    engine.linkNotice(notice);
    emit({ type: 'link', notice });
  });

  s.socket.on('disconnect', (reason) => {
    if (reason !== 'io client disconnect') emit({ type: 'connection', state: 'reconnecting' });
  });
  s.socket.on('connect', () => {
    if (!engine.endpointId) return; // first connection: join() handles it
    // Recovered: same socket id, same endpoint, media never stopped. Otherwise join again.
    if (s.socket.recovered) emit({ type: 'connection', state: 'connected' });
    else void engine.rejoin().catch(() => emit({ type: 'error', code: 'UNAVAILABLE' }));
  });
}
