/**
 * The SFU node's public API.
 *
 * - Signaling uses only `SfuClient` (implemented in-process by `LocalSfuClient`).
 * - Benchmarks and tests may drive a `Meeting` directly: `Meeting.create()` on a
 *   `WorkerPool`, `addEndpoint({ transport: { type: 'plain' | 'webrtc' } })`,
 *   `produce()`, `consume()` (pipes across workers as needed), `mediaCounts()`, `close()`.
 */
export { WorkerPool, type PooledWorker, type WorkerHealth } from './workerPool';
export { loadSfuConfig, type SfuConfig } from './config';
export { mediaCodecs } from './codecs';
export { Meeting, type MeetingEvents, type MeetingOptions } from './meeting';
export {
  Endpoint,
  type EndpointTransport,
  type ProduceOptions,
  type ProducerAppData,
  type TransportSpec,
} from './endpoint';
export { RouterSlot } from './routerSlot';
export { countMedia, type MediaCounts } from './mediaCounts';
export type { MediaJoin, SfuClient, SfuEvent } from './sfuClient';
export { LocalSfuClient, type LocalSfuOptions } from './localSfuClient';
export type * from './mediaTypes';
