import type { StatsEntry } from './linkStats';

/**
 * How much jitter buffer a lossy voice gets on this receiver. Opus in-band FEC
 * for a lost 60 ms packet travels in the next one, 60 ms later, and a NACKed
 * packet one round trip later: Chrome's jitter buffer on a steady link holds
 * less than that, so the repair arrives after the gap was already concealed
 * (counted `fecPacketsDiscarded`, or never asked: Chrome NACKs only what can still
 * play). A stream that loses packets gets `RTCRtpReceiver.jitterBufferTarget`:
 * room for FEC, and for a retransmission where NACK is negotiated and the round
 * trip is short enough to be worth the delay. A clean stream goes back to
 * Chrome's own choice. Pure apart from the state it keeps between samples.
 */
export const fecBufferMs = 150;
/** A retransmission is waited for only up to this round trip (more delay than a meeting bears). */
export const maxNackRttMs = 250;
const LOSSY = 0.01;
const WINDOW = 5;
const CLEAN_SAMPLES = 15;

export function repairTargetMs(nack: boolean, rttMs: number | undefined): number {
  if (!nack || rttMs === undefined || rttMs > maxNackRttMs) return fecBufferMs;
  return Math.max(fecBufferMs, rttMs + 100);
}

interface StreamState {
  lost: number;
  received: number;
  window: { lost: number; received: number }[];
  clean: number;
  target: number | null;
}

export class RepairBuffer {
  #streams = new Map<number, StreamState>();

  /**
   * The receive transport's stats now; returns the targets to apply (ssrc →
   * ms, or null to give the choice back to Chrome) that changed.
   */
  update(
    recv: StatsEntry[],
    o: { rttMs?: number; nack: (ssrc: number) => boolean },
  ): Map<number, number | null> {
    const changes = new Map<number, number | null>();
    for (const s of recv) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio' || s.ssrc === undefined) continue;
      const st = this.#streams.get(s.ssrc) ?? {
        ...{ lost: s.packetsLost ?? 0, received: s.packetsReceived ?? 0 },
        ...{ window: [], clean: 0, target: null },
      };
      this.#streams.set(s.ssrc, st);
      const lost = Math.max(0, (s.packetsLost ?? 0) - st.lost);
      const received = Math.max(0, (s.packetsReceived ?? 0) - st.received);
      st.lost = s.packetsLost ?? 0;
      st.received = s.packetsReceived ?? 0;
      st.window = [...st.window, { lost, received }].slice(-WINDOW);
      const l = st.window.reduce((a, w) => a + w.lost, 0);
      const n = l + st.window.reduce((a, w) => a + w.received, 0);
      const lossy = n >= 20 && l / n >= LOSSY;
      st.clean = lost === 0 ? st.clean + 1 : 0;
      let target = st.target;
      if (lossy) target = repairTargetMs(o.nack(s.ssrc), o.rttMs);
      else if (st.clean >= CLEAN_SAMPLES) target = null;
      if (target !== st.target) {
        st.target = target;
        changes.set(s.ssrc, target);
      }
    }
    return changes;
  }
}
