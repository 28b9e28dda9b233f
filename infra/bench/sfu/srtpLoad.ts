import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { countMedia } from '@giaoban/sfu/mediaCounts';
import type { GenTarget } from './genSink';
import {
  producerRtpParameters,
  remoteSrtp,
  speakerSsrc,
  workerCpuMs,
  type LoadSide,
} from './loadShape';
import { withWorkerBin } from './workerBins';

const listenInfo = { protocol: 'udp', ip: '127.0.0.1' } as const;

export interface SrtpLoadOptions {
  name: string;
  /** The worker binary (OpenSSL or NSS libsrtp2). */
  bin: string;
  /** Consumer transports with SRTP (`suite`) or plain RTP. */
  srtp: boolean;
  suite: ms.SrtpCryptoSuite;
  speakers: number;
  sinkPort: number;
  /**
   * all: each listener endpoint consumes every speaker, two transports per listener as a
   * browser has (bench:sfu's capacity load). one: each listener is ONE transport consuming
   * one speaker, round robin: the number of sending SRTP sessions is the listener count.
   */
  shape: 'all' | 'one';
  /** Packet interval per speaker (default 20 ms). */
  periodUs?: number;
}

/**
 * bench:sfu's bare mediasoup load on a given worker binary, SRTP on or off: the sides of
 * the OpenSSL vs NSS comparison (docs/bench-sfu.md, part 3).
 */
export class SrtpLoad implements LoadSide {
  readonly name: string;
  readonly #o: SrtpLoadOptions;
  readonly #worker: ms.Worker;
  readonly #router: ms.Router;
  readonly #producers: ms.Producer[] = [];
  readonly #ports: number[] = [];
  #listeners = 0;
  #periodUs: number;

  private constructor(o: SrtpLoadOptions, worker: ms.Worker, router: ms.Router) {
    this.name = o.name;
    this.#o = o;
    this.#periodUs = o.periodUs ?? 20_000;
    this.#worker = worker;
    this.#router = router;
  }

  static async create(o: SrtpLoadOptions): Promise<SrtpLoad> {
    const worker = await withWorkerBin(o.bin, () =>
      mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true }),
    );
    const router = await worker.createRouter({
      mediaCodecs: [
        {
          kind: 'audio',
          mimeType: 'audio/opus',
          clockRate: 48000,
          channels: 2,
          parameters: { useinbandfec: 1, usedtx: 1 },
        },
      ],
    });
    const load = new SrtpLoad(o, worker, router);
    for (let i = 0; i < o.speakers; i++) {
      const send = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
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

  /** Sending transports per listener. */
  get consumersPerListener(): number {
    return this.#o.shape === 'all' ? this.#o.speakers : 1;
  }

  async grow(listeners: number): Promise<void> {
    const opts = { listenInfo, rtcpMux: true, enableSrtp: this.#o.srtp };
    const remote = () => (this.#o.srtp ? { srtpParameters: remoteSrtp(this.#o.suite) } : {});
    while (this.#listeners < listeners) {
      // A browser's send transport: idle here, but one more SRTP session in the worker.
      if (this.#o.shape === 'all')
        await this.#router.createPlainTransport({ ...opts, comedia: true });
      const recv = await this.#router.createPlainTransport({ ...opts, comedia: false });
      await recv.connect({ ip: '127.0.0.1', port: this.#o.sinkPort, ...remote() });
      const producers =
        this.#o.shape === 'all'
          ? this.#producers
          : [this.#producers[this.#listeners % this.#producers.length]!];
      for (const p of producers) {
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

  targets(): GenTarget[] {
    const s = this.#ports.length;
    return this.#ports.map((port, i) => ({
      port,
      ssrc: speakerSsrc(i),
      fanout:
        this.#o.shape === 'all'
          ? this.#listeners
          : Math.floor(this.#listeners / s) + (i < this.#listeners % s ? 1 : 0),
      periodUs: this.#periodUs,
    }));
  }

  /** Packet interval per speaker from the next run on (the curve keeps packets/s constant). */
  setPeriod(us: number): void {
    this.#periodUs = us;
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
