import type { Device } from 'mediasoup-client';
import type { Consumer, RtpParameters, Transport } from 'mediasoup-client/types';
import type { EngineEvent, RemoteTrack } from './engineEvents';
import { inboundStats, type InboundStat } from './engineTransports';
import type { SignalingClient } from './signalingClient';

/**
 * What this endpoint receives: one batched `media:consume` per group of
 * producers, then one batched resume. Announcements are gathered for a
 * moment: when a large meeting fills up, hundreds arrive together and one
 * request each would hit the signaling rate limit.
 */
export class RemoteConsumers {
  readonly #signaling: SignalingClient;
  readonly #emit: (e: EngineEvent) => void;
  readonly #consumers = new Map<string, { consumer: Consumer; remote: RemoteTrack }>();
  readonly #soon = new Set<string>();
  #soonBatch: Promise<void> | undefined;
  /** The receive capabilities go with the first consume of each join only. */
  #capsSent = false;

  constructor(signaling: SignalingClient, emit: (e: EngineEvent) => void) {
    this.#signaling = signaling;
    this.#emit = emit;
  }

  get tracks(): RemoteTrack[] {
    return [...this.#consumers.values()].map((c) => c.remote);
  }

  /** A new join: the server forgot our capabilities. */
  joined(): void {
    this.#capsSent = false;
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

  async consume(recv: Transport, device: Device, producerIds: string[]): Promise<void> {
    const { consumers } = await this.#signaling.request('media:consume', {
      producerIds,
      rtpCapabilities: this.#capsSent
        ? undefined
        : (device.recvRtpCapabilities as unknown as Record<string, unknown>),
    });
    if (consumers.length > 0) this.#capsSent = true;
    const ready: string[] = [];
    for (const c of consumers) {
      const consumer = await recv.consume({
        id: c.id,
        producerId: c.producerId,
        kind: c.kind,
        rtpParameters: c.rtpParameters as unknown as RtpParameters,
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
      ready.push(c.id);
    }
    // Consumers start paused on the server: resume once the tracks are wired.
    if (ready.length > 0)
      await this.#signaling.request('media:resumeConsumers', { consumerIds: ready });
  }

  closed(consumerId: string): void {
    const c = this.#consumers.get(consumerId);
    if (!c) return;
    c.consumer.close();
    this.#consumers.delete(consumerId);
    this.#emit({ type: 'trackEnded', consumerId });
  }

  closeAll(): void {
    for (const id of [...this.#consumers.keys()]) this.closed(id);
  }

  /** Per consumer: bytes received so far (getStats inbound-rtp matched by SSRC). */
  stats(): Promise<InboundStat[]> {
    return inboundStats([...this.#consumers.values()]);
  }
}
