import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { Meeting, WorkerPool, loadSfuConfig } from '@giaoban/sfu';
import { LinkSupervisor } from '@giaoban/sfu/link/linkSupervisor';
import type { GenSink, GenTarget, RunOptions } from './genSink';
import { producerRtpParameters, remoteSrtp, speakerSsrc, workerCpuMs } from './loadShape';
import { withWorkerBin } from './workerBins';

const VP8_PT = 96;
/** The chair's camera: three simulcast layers, 1,100-byte packets (≈ 150 / 500 / 1,200 kbit/s). */
export const LAYERS = [
  { ssrc: 0x2000_0000, periodUs: 60_000 },
  { ssrc: 0x2000_0001, periodUs: 18_000 },
  { ssrc: 0x2000_0002, periodUs: 7_500 },
] as const;
const BWE = /transport-wide-cc|abs-send-time/;
function withoutBwe(caps: ms.RtpCapabilities): ms.RtpCapabilities {
  return {
    ...caps,
    codecs: caps.codecs?.map((c) => ({
      ...c,
      rtcpFeedback: c.rtcpFeedback?.filter(
        (f) => f.type !== 'transport-cc' && f.type !== 'goog-remb',
      ),
    })),
    headerExtensions: caps.headerExtensions?.filter((h) => !BWE.test(h.uri)),
  };
}
const good = { rttMs: 20, availableOutgoingKbps: 3_000, upLoss: 0, downLoss: 0 };

export interface PlenarySample {
  side: string;
  rep: number;
  workerCpu: number;
  audioLoss: number;
  audioP99Ms: number;
  videoLoss: number;
  videoPpsOut: number;
  /** Video consumers per spatial layer the SFU forwards (from the consumers' current layers). */
  videoLayers: number[];
  loadavg: number[];
}

/**
 * The plenary: N endpoints in one GiaoBan Meeting on one worker (link supervisor, last-N at
 * LAST_N_VIDEOS), 3 speakers' audio and the chair's simulcast VP8 camera from the C
 * generator. Every endpoint receives on an SRTP PlainTransport (the speakers' own
 * endpoints on plain RTP: the generator feeds their send transports).
 */
export class PlenaryLoad {
  readonly name: string;
  readonly #pool: WorkerPool;
  readonly #meeting: Meeting;
  readonly #supervisor: LinkSupervisor;
  readonly #ports: number[] = [];

  private constructor(name: string, pool: WorkerPool, meeting: Meeting, s: LinkSupervisor) {
    this.name = name;
    this.#pool = pool;
    this.#meeting = meeting;
    this.#supervisor = s;
  }

  static async create(o: {
    name: string;
    bin: string;
    sinkPort: number;
    endpoints: number;
    speakers: number;
    suite: ms.SrtpCryptoSuite;
  }): Promise<PlenaryLoad> {
    const log = createLogger('bench-sfu', 'warn');
    const config = loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0', RTC_LISTEN_IP: '127.0.0.1' });
    const pool = await withWorkerBin(o.bin, () => WorkerPool.create(config, log));
    const meeting = await Meeting.create({
      id: `plenary-${o.name}`,
      workers: () => pool.workers,
      consumerBudget: 1_000_000,
      log,
    });
    let clock = 0;
    const supervisor = new LinkSupervisor({
      log,
      lastN: config.LAST_N_VIDEOS,
      now: () => clock,
      onEvent: () => undefined,
    });
    const load = new PlenaryLoad(o.name, pool, meeting, supervisor);
    const producers: { from: string; id: string }[] = [];
    for (let i = 0; i < o.endpoints; i++) {
      const id = `e${i}`;
      const speaker = i < o.speakers;
      const e = await meeting.addEndpoint({
        id,
        unitId: id,
        transport: { type: 'plain', enableSrtp: !speaker },
      });
      await (e.recvTransport as ms.PlainTransport).connect({
        ip: '127.0.0.1',
        port: o.sinkPort,
        ...(speaker ? {} : { srtpParameters: remoteSrtp(o.suite) }),
      });
      supervisor.attach(meeting, e);
      if (!speaker) continue;
      load.#ports.push((e.sendTransport as ms.PlainTransport).tuple.localPort);
      const audio = await meeting.produce(id, {
        kind: 'audio',
        rtpParameters: producerRtpParameters(speakerSsrc(i)),
        source: 'mic',
      });
      producers.push({ from: id, id: audio.id });
      if (i !== 0) continue;
      const video = await meeting.produce(id, {
        kind: 'video',
        rtpParameters: {
          codecs: [
            { mimeType: 'video/VP8', payloadType: VP8_PT, clockRate: 90000, rtcpFeedback: [] },
          ],
          encodings: LAYERS.map((l) => ({ ssrc: l.ssrc })),
        },
        source: 'camera',
      });
      producers.push({ from: id, id: video.id });
    }
    // Plain receivers send no transport-cc/REMB feedback: without it mediasoup's bandwidth
    // estimator would sit at its initial 600 kbit/s. Consume as a receiver without BWE, so
    // every video consumer forwards the layer its link plan prefers.
    const caps = withoutBwe(meeting.rtpCapabilities);
    for (let i = 0; i < o.endpoints; i++) {
      const id = `e${i}`;
      for (const p of producers) {
        if (p.from === id) continue;
        const c = await meeting.consume(id, p.id, caps);
        // The client resumes what it wired; the link supervisor decides what video flows.
        if (!(await supervisor.setConsumerRunning(meeting.id, id, c.id, true)))
          await meeting.endpoint(id).consumer(c.id).resume();
      }
    }
    // Four seconds of good link reports end every endpoint's audio-first start.
    for (clock = 0; clock <= 4_000; clock += 1_000)
      for (let i = 0; i < o.endpoints; i++) supervisor.report(meeting.id, `e${i}`, good);
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

  targets(): GenTarget[] {
    const listeners = this.#meeting.endpoints.length - 1;
    return [
      ...this.#ports.map((port, i) => ({ port, ssrc: speakerSsrc(i), fanout: listeners })),
      ...LAYERS.map((l) => ({
        port: this.#ports[0]!,
        ssrc: l.ssrc,
        fanout: 0,
        periodUs: l.periodUs,
        kind: 'video' as const,
      })),
    ];
  }

  /** Video consumers by the spatial layer they forward now (−1: none). */
  videoLayers(): number[] {
    const n = LAYERS.map(() => 0);
    for (const e of this.#meeting.endpoints)
      for (const c of e.consumers) {
        if (c.kind !== 'video' || c.paused || c.producerPaused) continue;
        const layer = (c as ms.Consumer).currentLayers?.spatialLayer;
        if (layer !== undefined && n[layer] !== undefined) n[layer]++;
      }
    return n;
  }

  async measure(gen: GenSink, run: RunOptions, rep: number): Promise<PlenarySample> {
    let a: Promise<number> | undefined;
    let b: Promise<number> | undefined;
    let t0 = 0;
    let t1 = 0;
    const sink = await gen.run(this.targets(), run, {
      windowStart: () => ((t0 = performance.now()), (a = workerCpuMs(this.#worker))),
      windowEnd: () => ((t1 = performance.now()), (b = workerCpuMs(this.#worker))),
    });
    const layers = this.videoLayers();
    const expectedVideo = layers.reduce((n, c, i) => n + (c * 1e6) / LAYERS[i]!.periodUs, 0);
    const seconds = sink.windowMs / 1000;
    return {
      side: this.name,
      rep,
      workerCpu: ((await b!) - (await a!)) / (t1 - t0),
      audioLoss: sink.loss,
      audioP99Ms: sink.delayP99Us / 1000,
      videoLoss: expectedVideo > 0 ? 1 - sink.videoInWindow / (expectedVideo * seconds) : NaN,
      videoPpsOut: sink.videoInWindow / seconds,
      videoLayers: layers,
      loadavg: [],
    };
  }

  async close(): Promise<void> {
    this.#supervisor.close();
    this.#meeting.close();
    this.#pool.close();
  }
}
