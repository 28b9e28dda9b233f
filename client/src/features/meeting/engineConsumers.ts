import type { Device } from 'mediasoup-client';
import type { Consumer, RtpParameters, Transport } from 'mediasoup-client/types';
import type { ConsumerView } from '@giaoban/signaling/protocol/index';
import type { EngineEvent, RemoteTrack } from './engineEvents';
import { inboundStats, type InboundStat } from './engineTransports';
import type { SignalingClient } from './signalingClient';

/**
 * What this endpoint receives: the consumers the join answer carried, then one
 * batched `media:consume` per group of producers announced later, then one
 * batched resume. Announcements are gathered for a
 * moment: when a large meeting fills up, hundreds arrive together and one
 * request each would hit the signaling rate limit.
 */
const RETRY_DELAYS_MS = [500, 1_500, 3_000];

export class RemoteConsumers {
  readonly #signaling: SignalingClient;
  readonly #emit: (e: EngineEvent) => void;
  readonly #consumers = new Map<string, { consumer: Consumer; remote: RemoteTrack }>();
  readonly #soon = new Set<string>();
  #soonBatch: Promise<void> | undefined;
  /** The receive capabilities go with the first consume of each join only. */
  #capsSent = false;
  /** Producers the server could not consume for us yet, and how often it failed. */
  readonly #failures = new Map<string, number>();
  readonly #retryTimers = new Set<ReturnType<typeof setTimeout>>();
  readonly #retry: (producerIds: string[]) => void;

  /**
   * `retry`: consumes again (through the engine's queue) producers the server
   * could not consume: in a meeting recovering from a worker loss a producer's
   * router may still be coming back. Up to 3 more tries, 0.5, 1.5 and 3 s later.
   */
  constructor(
    signaling: SignalingClient,
    emit: (e: EngineEvent) => void,
    retry: (producerIds: string[]) => void = () => undefined,
  ) {
    this.#signaling = signaling;
    this.#emit = emit;
    this.#retry = retry;
  }

  get tracks(): RemoteTrack[] {
    return [...this.#consumers.values()].map((c) => c.remote);
  }

  /** A new join: the server knows our capabilities only if it consumed for us already. */
  joined(capsKnown: boolean): void {
    this.#capsSent = capsKnown;
  }

  /** Gathers announced producers for 40 ms, then `consume(ids)` (max 100 per request). */
  soon(producerId: string, consume: (ids: string[]) => Promise<void>): Promise<void> {
    this.#soon.add(producerId);
    this.#soonBatch ??= new Promise<void>((resolve, reject) => {
      setTimeout(() => {
        const ids = [...this.#soon].slice(0, 100);
        for (const id of ids) this.#soon.delete(id);
        this.#soonBatch = undefined;
        if (this.#soon.size > 0) void this.soon([...this.#soon][0]!, consume);
        consume(ids).then(resolve, reject);
      }, 40);
    });
    return this.#soonBatch;
  }

  /** Producers we do not receive yet (an announcement may repeat what the join answer held). */
  missing(producerIds: readonly string[]): string[] {
    const have = new Set([...this.#consumers.values()].map((c) => c.remote.producerId));
    return producerIds.filter((id) => !have.has(id));
  }

  async consume(recv: Transport, device: Device, producerIds: string[]): Promise<void> {
    const wanted = this.missing(producerIds);
    if (wanted.length === 0) return;
    const { consumers, failed } = await this.#signaling.request('media:consume', {
      producerIds: wanted,
      rtpCapabilities: this.#capsSent
        ? undefined
        : (device.recvRtpCapabilities as unknown as Record<string, unknown>),
    });
    if (consumers.length > 0) this.#capsSent = true;
    for (const c of consumers) this.#failures.delete(c.producerId);
    this.#retryLater(failed.map((f) => f.producerId));
    await this.adopt(recv, consumers);
  }

  #retryLater(producerIds: string[]): void {
    const again: string[] = [];
    let attempt = 0;
    for (const id of producerIds) {
      const n = (this.#failures.get(id) ?? 0) + 1;
      this.#failures.set(id, n);
      if (n <= RETRY_DELAYS_MS.length) {
        again.push(id);
        attempt = Math.max(attempt, n);
      }
    }
    if (again.length === 0) return;
    const timer = setTimeout(
      () => {
        this.#retryTimers.delete(timer);
        this.#retry(again);
      },
      RETRY_DELAYS_MS[attempt - 1],
    );
    this.#retryTimers.add(timer);
  }

  /**
   * Wires consumers the server created (by `media:consume` or in the join
   * answer). All at once, so mediasoup-client negotiates them in one SDP round;
   * the ones still paused on the server are resumed in one request.
   */
  async adopt(recv: Transport, consumers: readonly ConsumerView[]): Promise<void> {
    const wanted = new Set(this.missing(consumers.map((c) => c.producerId)));
    const fresh = consumers.filter((c) => wanted.has(c.producerId));
    const paused: string[] = [];
    await Promise.all(
      fresh.map(async (c) => {
        const consumer = await recv.consume({
          id: c.id,
          producerId: c.producerId,
          kind: c.kind,
          rtpParameters: c.rtpParameters as unknown as RtpParameters,
          // Whose voice: the link controller deepens a lossy speaker's jitter buffer (LinkNotice.voices).
          appData: { endpointId: c.endpointId },
        });
        const remote: RemoteTrack = {
          consumerId: c.id,
          producerId: c.producerId,
          endpointId: c.endpointId,
          kind: c.kind,
          source: c.source,
          track: consumer.track,
        };
        this.#consumers.set(c.id, { consumer, remote });
        this.#emit({ type: 'track', track: remote });
        if (c.paused) paused.push(c.id);
      }),
    );
    if (paused.length > 0)
      await this.#signaling.request('media:resumeConsumers', { consumerIds: paused });
  }

  closed(consumerId: string): void {
    const c = this.#consumers.get(consumerId);
    if (!c) return;
    c.consumer.close();
    this.#consumers.delete(consumerId);
    this.#emit({ type: 'trackEnded', consumerId });
  }

  /** A new join (or the end): its own failures and retries start afresh. */
  closeAll(): void {
    for (const id of [...this.#consumers.keys()]) this.closed(id);
    for (const t of this.#retryTimers) clearTimeout(t);
    this.#retryTimers.clear();
    this.#failures.clear();
  }

  /** Per consumer: bytes received so far (getStats inbound-rtp matched by SSRC). */
  stats(): Promise<InboundStat[]> {
    return inboundStats([...this.#consumers.values()]);
  }
}
