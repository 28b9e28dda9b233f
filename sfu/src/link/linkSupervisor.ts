import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { Endpoint } from '../endpoint';
import type { Meeting } from '../meeting';
import { MeetingVideoSelection } from '../selection/meetingSelection';
import { EndpointLink, type ClientLinkReport, type LinkSnapshot } from './endpointLink';
import type { SendPlan } from './linkPolicy';
import { severity, type LinkState } from './linkState';

/** Emitted on every change of an endpoint's link (signaling forwards it). */
export interface LinkStateEvent {
  type: 'linkState';
  meetingId: string;
  endpointId: string;
  unitId: string;
  down: LinkState;
  up: LinkState;
  audioOnly: boolean;
  forced: boolean;
  send: SendPlan;
  /** Set when the state machine moved (not for a user's own choice). */
  transition?: { direction: 'down' | 'up'; from: LinkState; to: LinkState };
  /** The SFU saw the uplink fall under the camera: the browser holds it now (LinkSnapshot.fall). */
  fall?: boolean;
  /** Jitter buffer (ms) the other speakers' voices need at this receiver (EndpointLink.voiceRepairMs). */
  voices?: Record<string, number>;
}

/** The videos the SFU forwards to one receiver changed (last-N; signaling tells its browser). */
export interface VideoSelectionEvent {
  type: 'videoSelection';
  meetingId: string;
  endpointId: string;
  producerIds: string[];
}

export interface SupervisorOptions {
  /** Opus FEC repair of random loss (AUDIO_REPAIR); on unless said otherwise. */
  fecRepair?: boolean;
  /** Audio NACK negotiated on both legs (AUDIO_REPAIR); off unless said. */
  nackRepair?: boolean;
  /** LINK_TRACE_DIR: each endpoint's traced packets written there (PacketTraceFile). */
  traceDir?: string;
  log: Logger;
  onEvent: (e: LinkStateEvent | VideoSelectionEvent) => void;
  /** LAST_N_VIDEOS (default 9); each receiver's link plan may allow fewer. */
  lastN?: number;
  /** Last-N hold (ms): a selected video keeps its slot at least this long. */
  selectionHoldMs?: number;
  now?: () => number;
}

export interface AttachOptions {
  linkProfile?: 'good' | 'poor';
  /** The device measured its link good: start with video (EndpointLinkOptions). */
  startWithVideo?: boolean;
  forcedAudioOnly?: boolean;
}

/**
 * The link adaptation of one SFU node: an EndpointLink per endpoint, the
 * floor (explicit, else the active speaker) per meeting, and one event stream
 * of link changes. Lives beside the meetings so the control loop stays next
 * to mediasoup; signaling talks to it through SfuClient.
 */
export class LinkSupervisor {
  readonly #log: Logger;
  readonly #emit: SupervisorOptions['onEvent'];
  readonly #opts: SupervisorOptions;
  readonly #selections = new Map<string, MeetingVideoSelection>();
  readonly #links = new Map<string, EndpointLink>();
  readonly #floor = new Map<string, string | null>();
  /** Recent active speakers per meeting, the latest first. */
  readonly #speakers = new Map<string, string[]>();
  readonly #meetings = new Map<string, Meeting>();

  constructor(opts: SupervisorOptions) {
    this.#opts = opts;
    this.#log = opts.log;
    this.#emit = opts.onEvent;
  }

  attach(meeting: Meeting, endpoint: Endpoint, opts: AttachOptions = {}): EndpointLink {
    const key = `${meeting.id}/${endpoint.id}`;
    this.#links.get(key)?.close();
    if (!this.#meetings.has(meeting.id)) {
      this.#meetings.set(meeting.id, meeting);
      meeting.on('activeSpeaker', (id) => void this.#setSpeaker(meeting.id, id));
      meeting.once('closed', () => this.#forgetMeeting(meeting.id));
    }
    const selection = this.#selection(meeting.id);
    const link = new EndpointLink(endpoint, {
      linkProfile: opts.linkProfile ?? 'good',
      startWithVideo: opts.startWithVideo,
      forcedAudioOnly: opts.forcedAudioOnly,
      fecRepair: this.#opts.fecRepair ?? true,
      nackRepair: this.#opts.nackRepair ?? false,
      traceDir: this.#opts.traceDir,
      onVoiceRepair: () => this.#spreadVoices(meeting.id),
      floorEndpointId: () => this.#floorFor(meeting.id, endpoint.id),
      producerOwner: (producerId) => {
        try {
          return meeting.producer(producerId).appData.endpointId;
        } catch {
          return undefined;
        }
      },
      selectVideos: (candidates, max) => selection.select(endpoint.id, candidates, max),
      describeProducer: (producerId) => {
        try {
          const { endpointId, source } = meeting.producer(producerId).appData;
          if (source === 'mic') return undefined;
          return { endpointId, unitId: meeting.endpoint(endpointId).unitId, source };
        } catch {
          return undefined;
        }
      },
      onSelection: (producerIds) =>
        this.#emit({
          type: 'videoSelection',
          meetingId: meeting.id,
          endpointId: endpoint.id,
          producerIds,
        }),
      now: this.#opts.now,
      log: this.#log.child({ meetingId: meeting.id }),
      onChange: (s) => {
        this.#emit(this.#event(meeting.id, endpoint.unitId, s));
        void this.#spreadWeakestDown(meeting.id);
      },
    });
    this.#links.set(key, link);
    void this.#spreadWeakestDown(meeting.id);
    (endpoint.sendTransport as ms.Transport).observer.once('close', () => {
      if (this.#links.get(key) === link) {
        this.#links.delete(key);
        selection.forget(endpoint.id);
      }
      link.close();
      // The weakest listener may have left: the others may speak richer again.
      void this.#spreadWeakestDown(meeting.id);
    });
    return link;
  }

  link(meetingId: string, endpointId: string): EndpointLink | undefined {
    return this.#links.get(`${meetingId}/${endpointId}`);
  }

  snapshot(meetingId: string, endpointId: string): LinkStateEvent | undefined {
    const link = this.link(meetingId, endpointId);
    return link && this.#event(meetingId, link.endpoint.unitId, link.snapshot);
  }

  report(meetingId: string, endpointId: string, r: ClientLinkReport): void {
    this.link(meetingId, endpointId)?.report(r);
  }

  async setAudioOnly(meetingId: string, endpointId: string, audioOnly: boolean): Promise<void> {
    await this.link(meetingId, endpointId)?.setForcedAudioOnly(audioOnly);
  }

  /** The host gave (or took back, null) the floor. */
  async setFloor(meetingId: string, endpointId: string | null): Promise<void> {
    this.#floor.set(meetingId, endpointId);
    this.#selection(meetingId).setFloor(endpointId);
    await this.#reselect(meetingId);
  }

  /** A receiver pins (or unpins) a unit's video; returns its pins. */
  async pin(meetingId: string, endpointId: string, unitId: string, pinned: boolean) {
    const pins = this.#selection(meetingId).pin(endpointId, unitId, pinned);
    await this.link(meetingId, endpointId)?.applyReceivePlan();
    return pins;
  }

  /** The host pins (or unpins) a unit's video for everyone; returns the host pins. */
  async hostPin(meetingId: string, unitId: string, pinned: boolean): Promise<string[]> {
    const pins = this.#selection(meetingId).hostPin(unitId, pinned);
    await this.#reselect(meetingId);
    return pins;
  }

  /**
   * The client resumes or pauses one of its consumers. Returns false when the
   * consumer is not under link control (then the caller acts directly).
   */
  async setConsumerRunning(
    meetingId: string,
    endpointId: string,
    consumerId: string,
    running: boolean,
  ): Promise<boolean> {
    const link = this.link(meetingId, endpointId);
    if (!link?.gate.has(consumerId)) return false;
    await link.gate.setClient(consumerId, running);
    return true;
  }

  close(): void {
    for (const l of this.#links.values()) l.close();
    this.#links.clear();
  }

  /** The links of one meeting. */
  #meetingLinks(meetingId: string): EndpointLink[] {
    return [...this.#links.entries()]
      .filter(([key]) => key.startsWith(`${meetingId}/`))
      .map(([, l]) => l);
  }

  /** Jitter buffer the voices of a meeting need at a receiver (all but its own). */
  #voices(meetingId: string, receiverId: string): Record<string, number> | undefined {
    const voices = this.#meetingLinks(meetingId).filter(
      (l) => l.voiceRepairMs > 0 && l.endpoint.id !== receiverId,
    );
    return voices.length
      ? Object.fromEntries(voices.map((l) => [l.endpoint.id, l.voiceRepairMs]))
      : undefined;
  }

  /** A speaker's repair need changed: every other receiver of the meeting is told. */
  #spreadVoices(meetingId: string): void {
    for (const l of this.#meetingLinks(meetingId)) {
      this.#emit(this.#event(meetingId, l.endpoint.unitId, l.snapshot));
    }
  }

  /** Every speaker's Opus rate is capped by the meeting's weakest downlink. */
  async #spreadWeakestDown(meetingId: string): Promise<void> {
    const links = this.#meetingLinks(meetingId);
    const weakest = links.reduce<LinkState>(
      (w, l) => (severity(l.snapshot.down) > severity(w) ? l.snapshot.down : w),
      'good',
    );
    // A listener whose downlink queues: no speaker raises its Opus rate for FEC.
    const congested = links.some((l) => l.congested);
    for (const l of links) await l.setWeakestDown(weakest, congested);
  }

  /**
   * Whose audio a critical downlink of `receiverId` keeps: the floor holder,
   * else the active speaker — never the receiver itself (it does not consume
   * its own voice): then the one who spoke before. A GPRS commune whose own
   * beep or voice became the active speaker otherwise heard nobody.
   */
  #floorFor(meetingId: string, receiverId: string): string | undefined {
    const floor = this.#floor.get(meetingId);
    if (floor && floor !== receiverId) return floor;
    return this.#speakers.get(meetingId)?.find((id) => id !== receiverId);
  }

  async #setSpeaker(meetingId: string, endpointId: string): Promise<void> {
    const recent = this.#speakers.get(meetingId) ?? [];
    this.#speakers.set(
      meetingId,
      [endpointId, ...recent.filter((id) => id !== endpointId)].slice(0, 4),
    );
    this.#selection(meetingId).spoke(endpointId);
    // Last-N follows the speakers; a critical link hears the speaker unless a floor is given.
    await this.#reselect(meetingId);
  }

  /** Floor, speaker or host pins changed: every receiver re-applies plan and selection. */
  async #reselect(meetingId: string): Promise<void> {
    await Promise.all(this.#meetingLinks(meetingId).map((link) => link.applyReceivePlan()));
  }

  #selection(meetingId: string): MeetingVideoSelection {
    let s = this.#selections.get(meetingId);
    if (!s) {
      s = new MeetingVideoSelection({
        lastN: this.#opts.lastN ?? 9,
        holdMs: this.#opts.selectionHoldMs,
        now: this.#opts.now,
      });
      this.#selections.set(meetingId, s);
    }
    return s;
  }

  #forgetMeeting(meetingId: string): void {
    this.#meetings.delete(meetingId);
    this.#floor.delete(meetingId);
    this.#speakers.delete(meetingId);
    this.#selections.delete(meetingId);
    for (const [key, link] of this.#links) {
      if (key.startsWith(`${meetingId}/`)) {
        link.close();
        this.#links.delete(key);
      }
    }
  }

  #event(meetingId: string, unitId: string, s: LinkSnapshot): LinkStateEvent {
    const voices = this.#voices(meetingId, s.endpointId);
    return {
      type: 'linkState',
      meetingId,
      endpointId: s.endpointId,
      unitId,
      down: s.down,
      up: s.up,
      audioOnly: s.plan.audioOnly,
      forced: s.forced,
      send: s.plan.send,
      ...(s.fall && { fall: true }),
      ...(voices && { voices }),
      ...(s.transition && {
        transition: {
          direction: s.transition.direction,
          from: s.transition.from,
          to: s.transition.to,
        },
      }),
    };
  }
}
