import type { Transport } from 'mediasoup-client/types';
import type { IceTimeline } from './probeTypes';

/**
 * Where a transport's connection time goes (bench:paths): the moments its
 * RTCPeerConnection started gathering, had its first candidate of each type
 * (a relay candidate = TCP + TLS + TURN Allocate done), ICE connected (a pair
 * answered a check) and DTLS connected. Listens beside mediasoup-client on the
 * handler's `_pc` (what icePath.ts reads too); changes nothing.
 */
export function watchIceTimeline(t: Transport, since: number): IceTimeline {
  const out: IceTimeline = {
    gatheringAt: null,
    firstCandidateAt: {},
    iceConnectedAt: null,
    connectedAt: null,
  };
  const pc = (t.handler as unknown as { _pc?: unknown })._pc;
  if (!(pc instanceof RTCPeerConnection)) return out;
  const now = () => Math.round(performance.now() - since);
  pc.addEventListener('icegatheringstatechange', () => {
    if (pc.iceGatheringState === 'gathering') out.gatheringAt ??= now();
  });
  pc.addEventListener('icecandidate', (e) => {
    const c = e.candidate;
    if (!c?.candidate) return;
    const type = c.type ?? 'unknown';
    out.firstCandidateAt[type] ??= now();
  });
  pc.addEventListener('iceconnectionstatechange', () => {
    if (pc.iceConnectionState === 'connected' || pc.iceConnectionState === 'completed')
      out.iceConnectedAt ??= now();
  });
  pc.addEventListener('connectionstatechange', () => {
    if (pc.connectionState === 'connected') out.connectedAt ??= now();
  });
  return out;
}
