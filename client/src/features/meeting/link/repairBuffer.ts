import { maxRepairAttempts, maxSpeakerRepairMs, repairWaitMs } from '@giaoban/sfu/link/lossRepair';
import type { StatsEntry } from './linkStats';

/**
 * How much jitter buffer a lossy voice gets on this receiver. Opus in-band FEC
 * for a lost 60 ms packet travels in the next one, 60 ms later, and a NACKed
 * packet comes back one round trip after the gap shows (the next packet, 60 ms
 * later): Chrome's jitter buffer on a steady link holds less than that, so the
 * repair arrives after the gap was already concealed — and Chrome NACKs only
 * what can still play, so on a 300 ms link it never asked at all. A stream
 * that loses packets gets `RTCRtpReceiver.jitterBufferTarget`: room for FEC,
 * and where NACK is negotiated room for a retransmission over this receiver's
 * round trip. The SFU adds what a lossy speaker's own uplink needs (its NACKs
 * travel the speaker's round trip: `LinkNotice.voices`), for that voice only
 * and whether or not this receiver sees any loss. A clean stream goes back to
 * Chrome's own choice. Pure apart from the state it keeps between samples.
 *
 * One NACK attempt fails when the NACK or the resent packet is lost too, so on a
 * 10 % loss link one attempt's room leaves ~2 % of the voice concealed (3G in
 * bench:voice). A lossy stream that still conceals ≥ 1.5 % of its samples over
 * 30 s at the current depth gets room for one more attempt (up to
 * `maxRepairAttempts`, or the cap): decided on what the ear lost, not on a loss
 * figure — this receiver's `nackCount` counts every repeat of a NACK, several per
 * lost packet on a long round trip, and a packet repaired too late to play still
 * counts as received. The stream keeps its attempts until it is clean again.
 */
export const fecBufferMs = 150;
/** The most the jitter buffer is deepened for repair: the SFU's cap (maxSpeakerRepairMs). */
export const maxRepairBufferMs = maxSpeakerRepairMs;
const LOSSY = 0.01;
/**
 * Concealed share of a lossy stream's samples that earns one more attempt, judged over
 * the last `CONCEALED_WINDOW` samples (30 s: 500 packets, so 2G's ~0.5 % after one
 * attempt rarely reads 1.5 % while 3G + 10 %'s ~2 % does), all taken at the current depth
 * after `GROW` samples in which Chrome grows its buffer to it (it stretches the audio
 * gradually, and measured 2G and 3G voices stepped up needlessly when judged sooner).
 */
const CONCEALED_MORE = 0.015;
const CONCEALED_WINDOW = 15;
const GROW = 3;
const WINDOW = 5;
const CLEAN_SAMPLES = 15;

/**
 * The jitter buffer target for repair over a link with this round trip: a lost 60 ms
 * packet shows when the next one arrives, its NACK and the retransmission take a round
 * trip, and the path's jitter needs room too; `attempts` NACKs are waited for
 * (repairWaitMs: the SFU sizes a speaker's uplink repair the same way, its attempts
 * from the uplink's loss before repair, which it counts itself).
 */
export function repairTargetMs(nack: boolean, rttMs: number | undefined, attempts = 1): number {
  if (!nack || rttMs === undefined) return fecBufferMs;
  return Math.min(maxRepairBufferMs, Math.max(fecBufferMs, repairWaitMs(rttMs, attempts)));
}

interface StreamState {
  lost: number;
  received: number;
  nacks: number;
  /** Concealed samples that were not silence, and samples received (cumulative). */
  concealed: number;
  samples: number;
  window: { lost: number; received: number }[];
  /** Concealed and received samples, the last CONCEALED_WINDOW samples. */
  heard: { concealed: number; samples: number }[];
  clean: number;
  /** Our own need (this receiver's loss), null when clean. */
  own: number | null;
  /** NACK attempts our own need waits for, and samples taken since it last changed. */
  attempts: number;
  atDepth: number;
  /** What was applied (own need and the speaker's), null = Chrome's choice. */
  target: number | null;
}

export interface RepairInputs {
  /** This receiver's round trip to the SFU (ms). */
  rttMs?: number;
  /** NACK is negotiated on this stream. */
  nack: (ssrc: number) => boolean;
  /** What the SFU says this voice needs for its speaker's uplink repair (ms), if anything. */
  speakerMs?: (ssrc: number) => number | undefined;
}

export class RepairBuffer {
  #streams = new Map<number, StreamState>();

  /**
   * The receive transport's stats now; returns the targets to apply (ssrc →
   * ms, or null to give the choice back to Chrome) that changed.
   */
  update(recv: StatsEntry[], o: RepairInputs): Map<number, number | null> {
    const changes = new Map<number, number | null>();
    for (const s of recv) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio' || s.ssrc === undefined) continue;
      const st = this.#streams.get(s.ssrc) ?? {
        ...{ lost: s.packetsLost ?? 0, received: s.packetsReceived ?? 0, nacks: s.nackCount ?? 0 },
        ...{ concealed: audibleConcealed(s), samples: s.totalSamplesReceived ?? 0 },
        ...{ window: [], heard: [], clean: 0, own: null, attempts: 1, atDepth: 0, target: null },
      };
      this.#streams.set(s.ssrc, st);
      const lost = Math.max(0, (s.packetsLost ?? 0) - st.lost);
      const received = Math.max(0, (s.packetsReceived ?? 0) - st.received);
      // A loss that NACK repaired no longer counts in packetsLost: its NACK still shows.
      const nacks = Math.max(0, (s.nackCount ?? 0) - st.nacks);
      st.lost = s.packetsLost ?? 0;
      st.received = s.packetsReceived ?? 0;
      st.nacks = s.nackCount ?? 0;
      const concealed = Math.max(0, audibleConcealed(s) - st.concealed);
      const samples = Math.max(0, (s.totalSamplesReceived ?? 0) - st.samples);
      st.concealed = audibleConcealed(s);
      st.samples = s.totalSamplesReceived ?? 0;
      st.window = [...st.window, { lost: Math.max(lost, nacks), received }].slice(-WINDOW);
      st.heard = [...st.heard, { concealed, samples }].slice(-CONCEALED_WINDOW);
      const l = st.window.reduce((a, w) => a + w.lost, 0);
      const n = l + st.window.reduce((a, w) => a + w.received, 0);
      const lossy = n >= 20 && l / n >= LOSSY;
      st.clean = lost === 0 && nacks === 0 ? st.clean + 1 : 0;
      st.atDepth++;
      if (lossy) {
        const heard = st.heard.reduce((a, w) => a + w.samples, 0);
        const gaps = st.heard.reduce((a, w) => a + w.concealed, 0);
        const more =
          o.nack(s.ssrc) &&
          st.own !== null &&
          st.atDepth >= GROW + CONCEALED_WINDOW &&
          st.attempts < maxRepairAttempts &&
          st.own < maxRepairBufferMs &&
          heard > 0 &&
          gaps / heard >= CONCEALED_MORE;
        if (more) {
          st.attempts++;
          st.atDepth = 0;
        }
        if (st.own === null) st.atDepth = 0;
        st.own = repairTargetMs(o.nack(s.ssrc), o.rttMs, st.attempts);
      } else if (st.clean >= CLEAN_SAMPLES) {
        st.own = null;
        st.attempts = 1;
      }
      const speaker = o.speakerMs?.(s.ssrc);
      const wanted = [st.own, speaker ? Math.min(maxRepairBufferMs, speaker) : null].filter(
        (v): v is number => v !== null,
      );
      const target = wanted.length ? Math.max(...wanted) : null;
      if (target !== st.target) {
        st.target = target;
        changes.set(s.ssrc, target);
      }
    }
    return changes;
  }
}

/** Concealed samples that were not silence (a DTX pause concealed is nothing lost). */
function audibleConcealed(s: StatsEntry): number {
  return Math.max(0, (s.concealedSamples ?? 0) - (s.silentConcealedSamples ?? 0));
}
