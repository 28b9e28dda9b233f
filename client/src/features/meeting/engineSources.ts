import type { Producer, Transport } from 'mediasoup-client/types';
import type { EngineEvent, MediaSource } from './engineEvents';
import { captureTrack, publish } from './localMedia';
import { SignalingError, type SignalingClient } from './signalingClient';
import type { LinkController } from './link/linkController';
import { markJoin } from './joinTrace';

/** A published source as a rejoin finds it: its track, and whether it was on. */
export interface HeldSource {
  source: MediaSource;
  track: MediaStreamTrack | null;
  on: boolean;
}

/**
 * What a rejoin publishes again: the sources a failed rejoin kept (`earlier`)
 * and what was being sent until now (`now`), one per source, `now` first.
 */
export function mergeHeld(
  earlier: readonly HeldSource[],
  now: readonly HeldSource[],
): HeldSource[] {
  const bySource = new Map<MediaSource, HeldSource>();
  for (const h of [...now, ...earlier]) if (!bySource.has(h.source)) bySource.set(h.source, h);
  return [...bySource.values()];
}

export interface LocalSourcesDeps {
  signaling: SignalingClient;
  emit: (e: EngineEvent) => void;
  send: () => Transport | undefined;
  link: () => LinkController | undefined;
  /** The engine's queue: publishing never races a rejoin. */
  serial: <T>(fn: () => Promise<T>) => Promise<T>;
}

/**
 * What this endpoint sends: one producer per source (mic, camera, screen),
 * and the camera the user wanted that waits, captured but unpublished, until
 * the link allows video (audio first: published and then paused, it would
 * burst at join on a link that cannot carry it). Part of the MeetingEngine.
 */
export class LocalSources {
  readonly producers = new Map<MediaSource, Producer>();
  #waitingCamera: MediaStreamTrack | undefined;
  readonly #d: LocalSourcesDeps;

  constructor(deps: LocalSourcesDeps) {
    this.#d = deps;
  }

  /** A camera captured and waiting for the link to allow video. */
  get cameraWaiting(): boolean {
    return this.#waitingCamera !== undefined;
  }

  /** Publishes a source (capturing it unless a track is given). */
  async start(source: MediaSource, track?: MediaStreamTrack): Promise<void> {
    if (!this.#d.send()) throw new SignalingError('MEETING_NOT_OPEN');
    if (this.producers.has(source)) return this.setEnabled(source, true);
    if (source === 'camera' && this.#waitingCamera) return;
    const t = track ?? (await captureTrack(source));
    markJoin(`${source} captured`);
    t.addEventListener('ended', () => void this.stop(source));
    const link = this.#d.link();
    if (source === 'camera' && link && !link.videoAllowed) {
      this.#waitingCamera = t;
      return;
    }
    await this.publish(source, t);
  }

  async publish(source: MediaSource, t: MediaStreamTrack): Promise<void> {
    const producer = await publish(this.#d.send()!, source, t);
    this.producers.set(source, producer);
    if (source === 'mic') await this.#d.link()?.micProduced();
    if (source === 'camera') await this.#d.link()?.cameraProduced();
    this.emitLocal();
  }

  /** The link now allows video: the camera the user wanted goes out. */
  videoAllowed(allowed: boolean): void {
    const t = this.#waitingCamera;
    if (!allowed || !t || !this.#d.send() || this.producers.has('camera')) return;
    this.#waitingCamera = undefined;
    if (t.readyState !== 'live') return;
    void this.#d
      .serial(() => this.publish('camera', t))
      .catch(() => this.#d.emit({ type: 'error', code: 'UNAVAILABLE' }));
  }

  async stop(source: MediaSource): Promise<void> {
    if (source === 'camera') this.dropWaitingCamera();
    const p = this.producers.get(source);
    if (!p) return;
    this.producers.delete(source);
    p.close();
    p.track?.stop();
    this.emitLocal();
    await this.#d.signaling
      .request('media:closeProducer', { producerId: p.id })
      .catch(() => undefined);
  }

  /** Mute/unmute without renegotiating. Unmuting the mic may be refused (FLOOR_REQUIRED). */
  async setEnabled(source: MediaSource, enabled: boolean): Promise<void> {
    if (source === 'camera' && !enabled) this.dropWaitingCamera();
    const p = this.producers.get(source);
    if (!p) {
      if (enabled) await this.start(source);
      return;
    }
    if (source === 'camera') this.#d.link()?.userCamera();
    if (enabled) {
      await this.#d.signaling.request('media:resumeProducer', { producerId: p.id });
      p.resume();
    } else {
      p.pause();
      await this.#d.signaling.request('media:pauseProducer', { producerId: p.id });
    }
    this.emitLocal();
  }

  /** A host paused our microphone on the server: reflect it locally. */
  mutedByHost(): void {
    this.producers.get('mic')?.pause();
    this.emitLocal();
  }

  dropWaitingCamera(): void {
    this.#waitingCamera?.stop();
    this.#waitingCamera = undefined;
  }

  /** Closes every producer (their tracks live on for a rejoin); returns what was sent. */
  closeAll(): HeldSource[] {
    const held = [...this.producers.entries()].map(([source, p]) => ({
      source,
      track: p.track,
      on: !p.paused,
    }));
    for (const p of this.producers.values()) p.close();
    this.producers.clear();
    return held;
  }

  /** After a rejoin: what was sent goes out again, as it was (a camera waits for the link again). */
  async republish(held: HeldSource[]): Promise<void> {
    for (const { source, track, on } of held) {
      if (!track || track.readyState !== 'live') continue;
      if (source === 'camera' && !this.#d.link()?.videoAllowed) {
        if (on) this.#waitingCamera ??= track;
        else track.stop();
        continue;
      }
      await this.publish(source, track);
      if (!on) await this.setEnabled(source, false).catch(() => undefined);
    }
    this.emitLocal();
  }

  /** The meeting is over for us: every capture stops. */
  stopAll(): void {
    this.dropWaitingCamera();
    for (const p of this.producers.values()) p.track?.stop();
    this.closeAll();
  }

  emitLocal(): void {
    const on = (s: MediaSource) => {
      const p = this.producers.get(s);
      return !!p && !p.paused;
    };
    this.#d.emit({ type: 'local', mic: on('mic'), camera: on('camera'), screen: on('screen') });
  }
}
