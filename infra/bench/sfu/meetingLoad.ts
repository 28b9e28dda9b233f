import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { Meeting, WorkerPool, loadSfuConfig } from '@giaoban/sfu';
import {
  producerRtpParameters,
  remoteSrtp,
  speakerSsrc,
  targetsOf,
  workerCpuMs,
  type LoadSide,
} from './loadShape';

/**
 * The same load created through GiaoBan's SFU layer: a one-worker WorkerPool (with
 * its WebRtcServer), a Meeting (router + ActiveSpeakerObserver, placement, consumer
 * bookkeeping and events), endpoints with plain transports, `Meeting.produce` /
 * `Meeting.consume` and a resume, as signaling drives it for a browser.
 */
export class MeetingLoad implements LoadSide {
  readonly name = 'orchestrated' as const;
  readonly #pool: WorkerPool;
  readonly #meeting: Meeting;
  readonly #sinkPort: number;
  readonly #producerIds: string[] = [];
  readonly #ports: number[] = [];
  #listeners = 0;

  private constructor(pool: WorkerPool, meeting: Meeting, sinkPort: number) {
    this.#pool = pool;
    this.#meeting = meeting;
    this.#sinkPort = sinkPort;
  }

  static async create(speakers: number, sinkPort: number): Promise<MeetingLoad> {
    const log = createLogger('bench-sfu', 'warn');
    const config = loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' });
    const pool = await WorkerPool.create(config, log);
    // One worker measured alone: the budget must not push endpoints elsewhere.
    const meeting = await Meeting.create({
      id: 'bench-sfu',
      workers: () => pool.workers,
      consumerBudget: 1_000_000,
      log,
    });
    const load = new MeetingLoad(pool, meeting, sinkPort);
    for (let i = 0; i < speakers; i++) {
      const id = `speaker-${i}`;
      const e = await meeting.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
      const p = await meeting.produce(id, {
        kind: 'audio',
        rtpParameters: producerRtpParameters(speakerSsrc(i)),
        source: 'mic',
      });
      load.#producerIds.push(p.id);
      load.#ports.push((e.sendTransport as ms.PlainTransport).tuple.localPort);
    }
    return load;
  }

  get workerPid(): number {
    return this.#worker.pid;
  }

  get #worker(): ms.Worker {
    const w = this.#pool.workers[0];
    if (!w) throw new Error('worker pool is empty');
    return w.worker;
  }

  get listeners(): number {
    return this.#listeners;
  }

  async grow(listeners: number): Promise<void> {
    const m = this.#meeting;
    while (this.#listeners < listeners) {
      const id = `listener-${this.#listeners}`;
      const e = await m.addEndpoint({
        id,
        unitId: id,
        transport: { type: 'plain', enableSrtp: true },
      });
      await (e.recvTransport as ms.PlainTransport).connect({
        ip: '127.0.0.1',
        port: this.#sinkPort,
        srtpParameters: remoteSrtp(),
      });
      for (const producerId of this.#producerIds) {
        const c = await m.consume(id, producerId, m.rtpCapabilities);
        await e.consumer(c.id).resume();
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
    const c = await this.#meeting.mediaCounts();
    return { transports: c.transports, producers: c.producers, consumers: c.consumers };
  }

  async close(): Promise<void> {
    this.#meeting.close();
    this.#pool.close();
  }
}
