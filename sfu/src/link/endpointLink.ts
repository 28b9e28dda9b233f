import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { Endpoint } from '../endpoint';
import type { LastNResult, VideoCandidate } from '../selection/lastN';
import { chooseVideos } from '../selection/receiverVideos';
import { ConsumerGate } from './consumerGate';
import { ATTEMPTS_WINDOW_MS, LossRepair, repairAttempts, speakerRepairMs } from './lossRepair';
import { RttFloor } from './rttFloor';
import { ServerSignals } from './serverSignals';
import { linkPlan, type LinkPlan } from './linkPolicy';
import {
  LinkStateMachine,
  type LinkSample,
  type LinkState,
  type LinkTransition,
} from './linkState';

/** What the browser reports every few seconds (the wire schema is in signaling/src/protocol/link.ts). */
export interface ClientLinkReport {
  availableOutgoingKbps?: number;
  rttMs?: number;
  upLoss?: number;
  downLoss?: number;
  /** The browser's clock at sampling (epoch ms) and how late its timer fired (ms). */
  sentAt?: number;
  lateMs?: number;
}

export interface LinkSnapshot {
  endpointId: string;
  down: LinkState;
  up: LinkState;
  forced: boolean;
  plan: LinkPlan;
  /** The transition that produced this snapshot, if any. */
  transition?: LinkTransition;
  /**
   * The SFU saw this endpoint's uplink fall under its camera (queue and lost
   * microphone packets): its browser holds the camera now, before the
   * hysteresis decides (as when the browser sees it itself, FallGuard).
   */
  fall?: boolean;
}

export interface EndpointLinkOptions {
  /** Units with a poor link profile start (and stay until proven) audio-only. */
  linkProfile: 'good' | 'poor';
  /**
   * The device measured its link good (pre-join test, its last meetings): it
   * starts with video at the lowest layers (`constrained`) instead of audio
   * first; a link that cannot carry it falls to audio-only within seconds.
   */
  startWithVideo?: boolean;
  forcedAudioOnly?: boolean;
  /** Whose audio a critical downlink keeps (floor holder, else the active speaker). */
  floorEndpointId: () => string | undefined;
  /** The endpoint that owns a producer (consumers do not carry it). */
  producerOwner: (producerId: string) => string | undefined;
  onChange: (snapshot: LinkSnapshot) => void;
  /**
   * Last-N (sfu/src/selection): which videos this receiver gets, given its
   * plan's cap. Without it the first `maxVideos` consumers run.
   */
  selectVideos?: (candidates: VideoCandidate[], maxVideos: number) => LastNResult;
  /** Who sends a producer, for last-N (consumers carry neither unit nor source). */
  describeProducer?: (producerId: string) => Omit<VideoCandidate, 'producerId'> | undefined;
  /** The videos the SFU forwards to this receiver changed (sorted producer ids). */
  onSelection?: (producerIds: string[]) => void;
  /** Opus FEC repair of random loss enabled (AUDIO_REPAIR fec / fec+nack / auto). */
  fecRepair?: boolean;
  /** Audio NACK negotiated (AUDIO_REPAIR nack / fec+nack / auto): listeners wait for resent packets. */
  nackRepair?: boolean;
  /** LINK_TRACE_DIR: the fall watch's packets written there (PacketTraceFile). */
  traceDir?: string;
  /** What this speaker's voice needs in its listeners' jitter buffers changed (voiceRepairMs). */
  onVoiceRepair?: (ms: number) => void;
  log: Logger;
  now?: () => number;
  /** Re-evaluation period (ms). */
  tickMs?: number;
}

/**
 * The link of one endpoint: two state machines (down = what the SFU sends it,
 * up = what it sends), fed by mediasoup (BWE trace of its receive transport,
 * consumer and producer scores) and by its browser's reports, and the
 * receive side of the resulting plan applied to its consumers.
 */
export class EndpointLink {
  readonly endpoint: Endpoint;
  readonly gate = new ConsumerGate();
  readonly #opts: EndpointLinkOptions;
  readonly #down: LinkStateMachine;
  readonly #up: LinkStateMachine;
  readonly #now: () => number;
  #forced: boolean;
  #weakestDown: LinkState = 'good';
  #listenersCongested = false;
  readonly #repair = new LossRepair();
  /**
   * The same decision on the SFU's own count of the microphone alone, before
   * NACK repaired it: the receiver reports' loss carries the worst listener's
   * downlink too, which a retransmission from this speaker would not help, and
   * the loss left after repair would turn the listeners' wait off again.
   */
  readonly #uplinkRepair = new LossRepair();
  readonly #rttFloor = new RttFloor();
  /** The repair decision the current plan was made with. */
  #lossy = false;
  /** Jitter buffer this speaker's voice needs at its listeners (0: none), see speakerRepairMs. */
  #voiceRepairMs = 0;
  /** NACK attempts the listeners wait for (repairAttempts, by the uplink's loss). */
  #repairAttempts = 1;
  /** The last round trip the browser reported. */
  #rttMs: number | undefined;
  #plan: LinkPlan;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #applying: Promise<void> | undefined;
  #reapply = false;
  /** When a last-N hold expires (the tick re-applies the plan then). */
  #recheckAt: number | undefined;
  /** The last selection told to the receiver (undefined: none yet, so the first is always told). */
  #selection: string | undefined;
  readonly #signals: ServerSignals;

  constructor(endpoint: Endpoint, opts: EndpointLinkOptions) {
    this.endpoint = endpoint;
    this.#opts = opts;
    this.#now = opts.now ?? Date.now;
    this.#forced = opts.forcedAudioOnly ?? false;
    const now = this.#now();
    // Start conservative: audio-only until the link is known. A unit known to
    // be poor gets no probation; the others may step up after ~2.5 s of good signals.
    // A device that measured its own link good starts with video (lowest
    // layers) and learns the rest on probation, whatever its unit's profile.
    const withVideo = opts.startWithVideo === true;
    const probationUntil = opts.linkProfile === 'poor' && !withVideo ? 0 : now + 12_000;
    // The up-hold: video is due ≤ 15 s after a link recovers, and before the
    // hold can start the first good report must arrive (≤ 2 s) and the SFU's
    // last loss window from before the recovery must pass (≤ 2 s + its 1.5 s
    // receiver-report lag): measured 11.9–14.8 s on GPRS with a 10 s hold.
    const upHoldMs = 9_000;
    const machine = (direction: 'down' | 'up') =>
      new LinkStateMachine({
        direction,
        initial: withVideo ? 'constrained' : 'poor',
        probationUntil,
        upHoldMs,
      });
    this.#down = machine('down');
    this.#up = machine('up');
    this.#plan = this.#makePlan();
    this.#signals = new ServerSignals({
      endpoint,
      gate: this.gate,
      feed: (dir, source, sample, at) => this.#feed(dir, source, sample, at),
      now: this.#now,
      log: opts.log,
      onFall: (queueMs) => this.#fallSeen(queueMs),
      onRawUplinkLoss: (loss, at) => this.#uplinkRepair.loss(loss, at),
      traceDir: opts.traceDir,
    });
    this.#watch();
  }

  get snapshot(): LinkSnapshot {
    return {
      endpointId: this.endpoint.id,
      down: this.#down.state,
      up: this.#up.state,
      forced: this.#forced,
      plan: this.#plan,
    };
  }

  /** This endpoint's link shows a queue (LossRepair): no speaker raises its rate for it. */
  get congested(): boolean {
    return this.#repair.congested(this.#now());
  }

  /** Jitter buffer (ms) this endpoint's voice needs at its listeners for NACK repair; 0 none. */
  get voiceRepairMs(): number {
    return this.#voiceRepairMs;
  }

  get flaps(): number {
    return this.#down.flaps + this.#up.flaps;
  }

  /** A browser's getStats() summary. */
  report(r: ClientLinkReport): void {
    const now = this.#now();
    this.#signals.reported(now, r.lateMs);
    this.#opts.log.debug({ endpointId: this.endpoint.id, report: r }, 'link report');
    const down: LinkSample = {};
    const up: LinkSample = {};
    // The browser's RTT is its candidate pair's last STUN round trip, kept in
    // getStats() until the next answer (every few seconds): the same figure in
    // the next report is the same measurement, which refreshes the view but is
    // no second piece of evidence (one STUN answer delayed by a busy machine
    // read twice was "sustained" and stepped a loopback link down).
    const repeated = r.rttMs !== undefined && r.rttMs === this.#rttMs;
    if (r.rttMs !== undefined) {
      // A device that measured its link good has shown its capacity: its RTT is
      // classified by the queue above its own floor, so a satellite's long path
      // keeps video (RTT then bounds only repair). Unmeasured links keep the
      // absolute RTT, which tells 2G from 3G before any video is tried.
      const rtt = this.#opts.startWithVideo ? this.#rttFloor.queue(r.rttMs) : r.rttMs;
      down.rttMs = up.rttMs = rtt;
      this.#repair.rtt(r.rttMs, now);
      this.#uplinkRepair.rtt(r.rttMs, now);
      this.#rttMs = r.rttMs;
    }
    // The receiver reports' fraction lost of our stream (the worst of its
    // receivers, mediasoup's useinbandfec feedback) decides repair, not the state.
    if (r.upLoss !== undefined) this.#repair.loss(r.upLoss, now);
    // The browser's loss figures are not used. Its inbound loss counts the
    // sequence gaps of the speaker's own lossy uplink too, so one GPRS commune
    // would make every listener look critical; downlink loss reaches us
    // through consumer scores of healthy producers instead. Its outbound loss
    // is the fraction lost of our receiver reports, into which mediasoup puts
    // the worst loss of the stream's receivers: a recovered GPRS uplink still
    // read 16 % there 6 s later while the SFU counted none. The SFU measures
    // the uplink's loss itself (UplinkLossMeter).
    if (r.availableOutgoingKbps !== undefined) up.availableKbps = r.availableOutgoingKbps;
    const again: (keyof LinkSample)[] = repeated ? ['rttMs'] : [];
    this.#feed('down', 'client', down, now, again);
    this.#feed('up', 'client', up, now, again);
  }

  async setForcedAudioOnly(forced: boolean): Promise<void> {
    if (this.#forced === forced) return;
    this.#forced = forced;
    this.#opts.log.info({ endpointId: this.endpoint.id, forced }, 'audio-only forced by user');
    await this.#replan(undefined);
  }

  /** The meeting's weakest downlink changed: this endpoint's Opus rate follows it. */
  async setWeakestDown(state: LinkState, listenersCongested = false): Promise<void> {
    if (this.#weakestDown === state && this.#listenersCongested === listenersCongested) return;
    this.#weakestDown = state;
    this.#listenersCongested = listenersCongested;
    const before = this.#plan.send.audioMaxKbps;
    this.#plan = this.#makePlan();
    if (this.#plan.send.audioMaxKbps !== before) await this.#replan(undefined);
  }

  /** The floor or the active speaker changed: a critical downlink follows it. */
  async floorChanged(): Promise<void> {
    if (this.#plan.receive.audio === 'floor') await this.applyReceivePlan();
  }

  /**
   * Holds or releases every consumer according to the current receive plan
   * and the last-N selection. Runs one at a time (a call during a run makes
   * it run again), so a stale choice never lands after a newer one.
   */
  applyReceivePlan(): Promise<void> {
    if (this.#applying) {
      this.#reapply = true;
      return this.#applying;
    }
    this.#applying = (async () => {
      do {
        this.#reapply = false;
        await this.#applyOnce();
      } while (this.#reapply && !this.#closed);
    })().finally(() => (this.#applying = undefined));
    return this.#applying;
  }

  async #applyOnce(): Promise<void> {
    const { receive } = this.#plan;
    const floor = this.#opts.floorEndpointId();
    let selected = new Set<string>();
    if (receive.video !== 'none') {
      const chosen = chooseVideos(this.gate.consumers, receive.maxVideos, this.#opts);
      selected = chosen.ids;
      this.#recheckAt = chosen.recheckAt;
    }
    for (const c of this.gate.consumers) {
      if (c.closed) continue;
      try {
        const held =
          c.kind === 'audio'
            ? receive.audio === 'floor' && this.#opts.producerOwner(c.producerId) !== floor
            : !selected.has(c.producerId);
        await this.gate.setHeld(c.id, held);
        const layer = receive.video === 'low' ? 0 : 2;
        if (
          !held &&
          c.kind === 'video' &&
          (c.type === 'simulcast' || c.type === 'svc') &&
          c.preferredLayers?.spatialLayer !== layer
        ) {
          await c.setPreferredLayers({ spatialLayer: layer });
        }
      } catch (err) {
        if (!c.closed) this.#opts.log.warn({ err, consumerId: c.id }, 'link plan not applied');
      }
    }
    const ids = [...selected].sort();
    if (ids.join() !== this.#selection && !this.#closed) {
      this.#selection = ids.join();
      this.#opts.onSelection?.(ids);
    }
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    this.#signals.close();
  }

  #watch(): void {
    const recv = this.endpoint.recvTransport;
    this.#signals.watchBwe();
    (recv as ms.Transport).observer.on('newconsumer', (c: ms.Consumer) => {
      this.gate.add(c);
      if (c.kind === 'video') {
        // A camera paused or resumed, or gone, frees or takes a last-N slot.
        const reselect = () => {
          if (!this.#closed && !recv.closed) void this.applyReceivePlan();
        };
        c.on('producerpause', reselect);
        c.on('producerresume', reselect);
        c.observer.once('close', reselect);
      }
      void this.applyReceivePlan();
    });
    this.#timer = setInterval(() => this.#tick(), this.#opts.tickMs ?? 1_000);
    this.#timer.unref();
  }

  #tick(): void {
    const now = this.#now();
    this.#signals.tick(now);
    const lossy = !!this.#opts.fecRepair && this.#repair.wanted(now);
    if (lossy !== this.#lossy) {
      this.#lossy = lossy;
      this.#opts.log.info({ endpointId: this.endpoint.id, fec: lossy }, 'audio loss repair');
      void this.#replan(undefined);
    }
    // NACK repairs the uplink's random loss; its listeners wait for as many of our round
    // trips as that loss needs attempts (repairAttempts).
    const rtt = this.#opts.nackRepair && this.#uplinkRepair.wanted(now) ? this.#rttMs : undefined;
    this.#repairAttempts =
      rtt === undefined
        ? 1
        : repairAttempts(
            this.#uplinkRepair.meanLoss(now, ATTEMPTS_WINDOW_MS),
            this.#repairAttempts,
          );
    const voice =
      rtt === undefined ? 0 : speakerRepairMs(rtt, this.#voiceRepairMs, this.#repairAttempts);
    if (voice !== this.#voiceRepairMs) {
      this.#voiceRepairMs = voice;
      this.#opts.log.info(
        { endpointId: this.endpoint.id, voiceRepairMs: voice, attempts: this.#repairAttempts },
        'voice repair',
      );
      this.#opts.onVoiceRepair?.(voice);
    }
    if (this.#recheckAt !== undefined && now >= this.#recheckAt) {
      this.#recheckAt = undefined;
      void this.applyReceivePlan();
    }
    for (const m of [this.#down, this.#up]) {
      const t = m.evaluate(now);
      if (t) void this.#replan(t);
    }
  }

  #feed(
    dir: 'down' | 'up',
    source: 'server' | 'client',
    s: LinkSample,
    now: number,
    repeated: (keyof LinkSample)[] = [],
  ): void {
    if (this.#closed || Object.keys(s).length === 0) return;
    if (dir === 'up' && source === 'server' && s.loss !== undefined) this.#repair.loss(s.loss, now);
    const t = (dir === 'down' ? this.#down : this.#up).update(source, s, now, repeated);
    if (t) void this.#replan(t);
  }

  #fallSeen(queueMs: number): void {
    if (this.#closed || !this.#plan.send.video) return;
    this.#opts.log.info(
      { endpointId: this.endpoint.id, unitId: this.endpoint.unitId, queueMs },
      'uplink fall seen on the microphone',
    );
    this.#opts.onChange({ ...this.snapshot, fall: true });
  }

  #makePlan(): LinkPlan {
    return linkPlan({
      down: this.#down.state,
      up: this.#up.state,
      forcedAudioOnly: this.#forced,
      weakestDown: this.#weakestDown,
      lossy: this.#lossy,
      listenersCongested: this.#listenersCongested,
    });
  }

  async #replan(transition: LinkTransition | undefined): Promise<void> {
    if (this.#closed) return;
    this.#plan = this.#makePlan();
    if (transition) {
      this.#opts.log.info(
        {
          endpointId: this.endpoint.id,
          unitId: this.endpoint.unitId,
          direction: transition.direction,
          from: transition.from,
          to: transition.to,
          signals: transition.sample,
        },
        'link state changed',
      );
    }
    await this.applyReceivePlan();
    this.#opts.onChange({ ...this.snapshot, transition });
  }
}
