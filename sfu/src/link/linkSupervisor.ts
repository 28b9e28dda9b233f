import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { Endpoint } from '../endpoint';
import type { Meeting } from '../meeting';
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
}

export interface AttachOptions {
  linkProfile?: 'good' | 'poor';
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
  readonly #emit: (e: LinkStateEvent) => void;
  readonly #links = new Map<string, EndpointLink>();
  readonly #floor = new Map<string, string | null>();
  readonly #speaker = new Map<string, string>();
  readonly #meetings = new Map<string, Meeting>();

  constructor(opts: { log: Logger; onEvent: (e: LinkStateEvent) => void }) {
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
    const link = new EndpointLink(endpoint, {
      linkProfile: opts.linkProfile ?? 'good',
      forcedAudioOnly: opts.forcedAudioOnly,
      floorEndpointId: () => this.#floorOf(meeting.id),
      producerOwner: (producerId) => {
        try {
          return meeting.producer(producerId).appData.endpointId;
        } catch {
          return undefined;
        }
      },
      log: this.#log.child({ meetingId: meeting.id }),
      onChange: (s) => {
        this.#emit(this.#event(meeting.id, endpoint.unitId, s));
        void this.#spreadWeakestDown(meeting.id);
      },
    });
    this.#links.set(key, link);
    void this.#spreadWeakestDown(meeting.id);
    (endpoint.sendTransport as ms.Transport).observer.once('close', () => {
      if (this.#links.get(key) === link) this.#links.delete(key);
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
    await this.#floorChanged(meetingId);
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

  /** Every speaker's Opus rate is capped by the meeting's weakest downlink. */
  async #spreadWeakestDown(meetingId: string): Promise<void> {
    const links = [...this.#links.entries()]
      .filter(([key]) => key.startsWith(`${meetingId}/`))
      .map(([, l]) => l);
    const weakest = links.reduce<LinkState>(
      (w, l) => (severity(l.snapshot.down) > severity(w) ? l.snapshot.down : w),
      'good',
    );
    for (const l of links) await l.setWeakestDown(weakest);
  }

  #floorOf(meetingId: string): string | undefined {
    return this.#floor.get(meetingId) ?? this.#speaker.get(meetingId);
  }

  async #setSpeaker(meetingId: string, endpointId: string): Promise<void> {
    this.#speaker.set(meetingId, endpointId);
    // An explicit floor wins over whoever is loudest.
    if (!this.#floor.get(meetingId)) await this.#floorChanged(meetingId);
  }

  async #floorChanged(meetingId: string): Promise<void> {
    for (const [key, link] of this.#links) {
      if (key.startsWith(`${meetingId}/`)) await link.floorChanged();
    }
  }

  #forgetMeeting(meetingId: string): void {
    this.#meetings.delete(meetingId);
    this.#floor.delete(meetingId);
    this.#speaker.delete(meetingId);
    for (const [key, link] of this.#links) {
      if (key.startsWith(`${meetingId}/`)) {
        link.close();
        this.#links.delete(key);
      }
    }
  }

  #event(meetingId: string, unitId: string, s: LinkSnapshot): LinkStateEvent {
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
