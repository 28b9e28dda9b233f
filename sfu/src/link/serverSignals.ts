import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { Endpoint } from '../endpoint';
import type { ConsumerGate } from './consumerGate';
import type { LinkSample, LinkSource } from './linkSignals';
import { eventLoopDelayMs } from './loopDelay';
import { PacketTraceFile } from './packetTrace';
import { UplinkFallDetector } from './uplinkFall';
import { silenceRttMs, UplinkLossMeter } from './uplinkLoss';

export type FeedSample = (
  dir: 'down' | 'up',
  source: LinkSource,
  sample: LinkSample,
  now: number,
) => void;

/**
 * What the SFU itself knows of one endpoint's link, fed to its EndpointLink:
 * the receive transport's bandwidth estimate (BWE trace), consumer and
 * microphone scores, the uplink loss counted on the microphone, and the
 * silence of the browser's reports (an RTT bound).
 */
export class ServerSignals {
  readonly #endpoint: Endpoint;
  readonly #gate: ConsumerGate;
  readonly #feed: FeedSample;
  readonly #now: () => number;
  readonly #log: Logger;
  readonly #uplinkLoss = new UplinkLossMeter();
  /** When the browser's last report arrived (undefined: none yet). */
  #lastReportAt: number | undefined;
  /** When the SFU last counted the microphone arriving (enough packets, < 15 % lost). */
  #micHealthyAt: number | undefined;
  /** Until when the browser is known to be starved (its own timers fired late). */
  #starvedUntil = -Infinity;
  /** The largest event-loop delay of this server in the recent windows (ms). */
  #loopDelayMs: () => number;
  readonly #onFall: ((queueMs: number) => void) | undefined;
  readonly #onRawUplinkLoss: ((loss: number, at: number) => void) | undefined;
  readonly #fall = new UplinkFallDetector();
  /** The producers whose packets are traced (the microphone while the camera runs). */
  #traced = new Map<ms.Producer, (t: ms.ProducerTraceEventData) => void>();
  /** The microphone is fed to the fall watch (the camera runs). */
  #watching = false;
  #confirmTimer: NodeJS.Timeout | undefined;
  readonly #traceFile: PacketTraceFile | undefined;

  constructor(o: {
    endpoint: Endpoint;
    gate: ConsumerGate;
    feed: FeedSample;
    now: () => number;
    log: Logger;
    loopDelayMs?: () => number;
    /** The microphone's packets show the uplink falling under the camera (UplinkFallDetector). */
    onFall?: (queueMs: number) => void;
    /** The microphone's loss before NACK repair, each window (UplinkLossMeter.lastRawLoss). */
    onRawUplinkLoss?: (loss: number, at: number) => void;
    /** LINK_TRACE_DIR: every traced packet written there (PacketTraceFile). */
    traceDir?: string;
  }) {
    this.#onFall = o.onFall;
    this.#onRawUplinkLoss = o.onRawUplinkLoss;
    this.#loopDelayMs = o.loopDelayMs ?? (() => eventLoopDelayMs());
    this.#endpoint = o.endpoint;
    this.#gate = o.gate;
    this.#feed = o.feed;
    this.#now = o.now;
    this.#log = o.log;
    if (o.traceDir) this.#traceFile = new PacketTraceFile(o.traceDir, o.endpoint.id);
  }

  /** The downlink estimate, from mediasoup's BWE trace of the receive transport. */
  watchBwe(): void {
    const recv = this.#endpoint.recvTransport;
    if (recv.type !== 'webrtc') return;
    void recv.enableTraceEvent(['bwe']).catch(() => undefined);
    recv.on('trace', (t) => {
      if (t.type !== 'bwe') return;
      const info = t.info as { availableBitrate?: number; desiredBitrate?: number };
      // The estimate means something only when we wanted more than it allows.
      if (
        info.availableBitrate !== undefined &&
        info.desiredBitrate !== undefined &&
        info.availableBitrate < info.desiredBitrate * 0.9
      ) {
        this.#feed('down', 'server', { availableKbps: info.availableBitrate / 1000 }, this.#now());
      }
    });
  }

  /**
   * A browser's report arrived (its silence is measured from here). `lateMs`:
   * how late the browser's own timer fired for it — a starved browser (a
   * busy machine, a throttled tab) sends late, and its next silence is not
   * the link's for a while.
   */
  reported(now: number, lateMs = 0): void {
    this.#lastReportAt = now;
    if (lateMs > 1_000) this.#starvedUntil = now + 30_000;
  }

  /** Once a tick: scores, the uplink loss, the reports' silence. */
  tick(now: number): void {
    this.#feedScores(now);
    this.#feedReportSilence(now);
    this.#watchFall();
  }

  /**
   * While the camera runs (only then can a fall flood the uplink), every
   * microphone and camera packet is traced as it arrives: their queue and the
   * microphone's gaps show a fall at once (UplinkFallDetector), where the
   * browser waits for receiver reports. The trace stops with the camera. With
   * LINK_TRACE_DIR the microphone (always) and the camera are written to a file.
   */
  #watchFall(): void {
    if (!this.#onFall && !this.#traceFile) return;
    const live = this.#endpoint.producers.filter((p) => !p.closed && !p.paused);
    const mic = live.find((p) => p.kind === 'audio');
    const cam = live.find((p) => p.kind === 'video' && p.appData.source !== 'screen');
    const want = new Set<ms.Producer>();
    if (mic && (cam || this.#traceFile)) want.add(mic);
    if (cam) want.add(cam);
    const watching = mic !== undefined && cam !== undefined;
    const same = want.size === this.#traced.size && [...want].every((p) => this.#traced.has(p));
    if (same && watching === this.#watching) return;
    for (const [p, listener] of this.#traced) {
      if (want.has(p)) continue;
      if (!p.closed) void p.enableTraceEvent([]).catch(() => undefined);
      p.removeListener('trace', listener);
      this.#traced.delete(p);
    }
    // A camera started afresh measures the link afresh.
    if (!watching) this.#fall.reset();
    this.#watching = watching;
    for (const p of want) {
      if (this.#traced.has(p)) continue;
      const listener = (t: ms.ProducerTraceEventData) => this.#onTrace(p.kind, t);
      this.#traced.set(p, listener);
      p.on('trace', listener);
      void p.enableTraceEvent(['rtp']).catch(() => undefined);
    }
  }

  #onTrace(kind: ms.MediaKind, t: ms.ProducerTraceEventData): void {
    if (t.type !== 'rtp' || t.direction !== 'in') return;
    const info = t.info as
      | {
          isRtx?: boolean;
          rtpPacket?: {
            sequenceNumber?: number;
            timestamp?: number;
            ssrc?: number;
            /** bigint in mediasoup's dump. */
            size?: number | bigint;
          };
        }
      | undefined;
    const pkt = info?.rtpPacket;
    if (info?.isRtx || pkt?.sequenceNumber === undefined || pkt.timestamp === undefined) return;
    this.#traceFile?.write({
      k: kind,
      ssrc: pkt.ssrc ?? 0,
      seq: pkt.sequenceNumber,
      ts: pkt.timestamp,
      at: t.timestamp,
      size: pkt.size === undefined ? undefined : Number(pkt.size),
    });
    if (!this.#watching || !this.#onFall) return;
    const fell = this.#fall.packet({
      kind,
      ssrc: pkt.ssrc,
      sequenceNumber: pkt.sequenceNumber,
      timestamp: pkt.timestamp,
      arrivalMs: t.timestamp,
    });
    if (fell) this.#fell();
    // A fall waits confirmMs for a packet that denies it (a burst); none may come.
    else if (this.#fall.pending && !this.#confirmTimer) {
      this.#confirmTimer = setTimeout(() => {
        this.#confirmTimer = undefined;
        if (this.#watching && this.#fall.confirm()) this.#fell();
      }, this.#fall.confirmMs);
    }
  }

  #fell(): void {
    clearTimeout(this.#confirmTimer);
    this.#confirmTimer = undefined;
    this.#onFall?.(Math.round(this.#fall.queueMs));
  }

  /** Stop tracing (the endpoint left). */
  close(): void {
    clearTimeout(this.#confirmTimer);
    for (const [p, listener] of this.#traced) {
      if (!p.closed) void p.enableTraceEvent([]).catch(() => undefined);
      p.removeListener('trace', listener);
    }
    this.#traced.clear();
    this.#traceFile?.close();
  }

  /**
   * Scores are read every tick, not only on mediasoup's 'score' events: a
   * perfect link never changes its score, and silence must not read as no link.
   */
  #feedScores(now: number): void {
    // Only streams whose producer arrives healthy say something about this downlink.
    const running = this.#gate.consumers.filter(
      (c) => !c.closed && !c.paused && c.score.producerScore >= 7,
    );
    if (running.length) {
      this.#feed('down', 'server', { score: Math.min(...running.map((c) => c.score.score)) }, now);
    }
    const mic = this.#endpoint.producers.find((p) => p.kind === 'audio' && !p.paused);
    const micScores = mic?.score.map((s) => s.score) ?? [];
    if (micScores.length) this.#feed('up', 'server', { score: Math.max(...micScores) }, now);
    if (mic) void this.#sampleMicLoss(mic, now);
  }

  /** Uplink loss from the microphone's counters on the SFU (see UplinkLossMeter). */
  async #sampleMicLoss(mic: ms.Producer, now: number): Promise<void> {
    const loss = await this.#uplinkLoss.measure(mic, now);
    const raw = this.#uplinkLoss.lastRawLoss;
    if (loss !== undefined && raw !== undefined) this.#onRawUplinkLoss?.(raw, this.#now());
    if (loss === undefined) return;
    this.#log.debug({ endpointId: this.#endpoint.id, loss }, 'uplink loss');
    // Random radio loss (a few %) still carries the voice; a flooded uplink loses ≥ 30 %.
    if (loss < 0.15 && this.#uplinkLoss.lastWindowPackets >= 10) this.#micHealthyAt = this.#now();
    this.#feed('up', 'server', { loss }, this.#now());
  }

  /**
   * Reports that stop arriving bound the RTT from below (silenceRttMs); like
   * the browser's own RTT, for both directions. Silence is not taken as good
   * news either: a step up needs a fresh RTT (LinkStateMachine `upNeeds`).
   */
  #feedReportSilence(now: number): void {
    // The server's own stalls delayed what it read, not the link.
    const lag = this.#loopDelayMs();
    const rttMs = silenceRttMs(this.#lastReportAt, now - lag);
    if (rttMs === undefined) return;
    // Slow machine, not slow link: the microphone still arrives whole over the
    // same uplink (the browser's timers or the server lag, not its queue), or
    // the browser told us it is starved.
    const micWhole = this.#micHealthyAt !== undefined && now - this.#micHealthyAt <= 3_500;
    if (micWhole || now < this.#starvedUntil) {
      this.#log.debug(
        { endpointId: this.#endpoint.id, rttMs, micWhole, lag },
        'report silence ignored',
      );
      return;
    }
    for (const dir of ['up', 'down'] as const) this.#feed(dir, 'client', { rttMs }, now);
  }
}
