import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { countMedia } from '@giaoban/sfu/mediaCounts';
import {
  producerRtpParameters,
  remoteSrtp,
  speakerSsrc,
  targetsOf,
  workerCpuMs,
  type LoadSide,
  type SideName,
} from './loadShape';

const listenInfo = { protocol: 'udp', ip: '127.0.0.1' } as const;

/**
 * The baseline: the same load built with mediasoup alone (worker, router,
 * transports, producers, consumers) and nothing of GiaoBan around it.
 */
export class BareLoad implements LoadSide {
  readonly name: SideName;
  readonly #worker: ms.Worker;
  readonly #router: ms.Router;
  readonly #sinkPort: number;
  readonly #producers: ms.Producer[] = [];
  readonly #ports: number[] = [];
  #listeners = 0;

  private constructor(worker: ms.Worker, router: ms.Router, sinkPort: number, name: SideName) {
    this.name = name;
    this.#worker = worker;
    this.#router = router;
    this.#sinkPort = sinkPort;
  }

  /** `name` 'orchestrated' only for the A/A control run (`--control`): bare on both sides. */
  static async create(
    speakers: number,
    sinkPort: number,
    name: SideName = 'bare',
  ): Promise<BareLoad> {
    const worker = await mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true });
    const router = await worker.createRouter({
      mediaCodecs: [
        {
          kind: 'audio',
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          parameters: { useinbandfec: 1, usedtx: 1 },
        },
        { kind: 'video', mimeType: 'video/VP8', clockRate: 90000 },
      ],
    });
    const load = new BareLoad(worker, router, sinkPort, name);
    for (let i = 0; i < speakers; i++) {
      const send = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
      await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
      const producer = await send.produce({
        kind: 'audio',
        rtpParameters: producerRtpParameters(speakerSsrc(i)),
      });
      load.#producers.push(producer);
      load.#ports.push(send.tuple.localPort);
    }
    return load;
  }

  get workerPid(): number {
    return this.#worker.pid;
  }

  get listeners(): number {
    return this.#listeners;
  }

  async grow(listeners: number): Promise<void> {
    const srtp = { listenInfo, rtcpMux: true, enableSrtp: true };
    while (this.#listeners < listeners) {
      await this.#router.createPlainTransport({ ...srtp, comedia: true });
      const recv = await this.#router.createPlainTransport({ ...srtp, comedia: false });
      await recv.connect({ ip: '127.0.0.1', port: this.#sinkPort, srtpParameters: remoteSrtp() });
      for (const p of this.#producers) {
        const c = await recv.consume({
          producerId: p.id,
          rtpCapabilities: this.#router.rtpCapabilities,
          paused: true,
        });
        await c.resume();
      }
      this.#listeners++;
    }
  }

  targets() {
    return targetsOf(this.#ports, this.#listeners);
  }

  workerCpuMs(): Promise<number> {
    return workerCpuMs(this.#worker);
  }

  async counts() {
    const { transports, producers, consumers } = await countMedia([this.#router]);
    return { transports, producers, consumers };
  }

  async close(): Promise<void> {
    this.#worker.close();
  }
}
