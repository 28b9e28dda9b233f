import type { ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { rename, rm, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import type { types as ms } from 'mediasoup';
import type { Logger } from '@giaoban/common/logger';
import type { RecorderPool, WarmRecorder } from './recorderPool';
import { freePortPair, waitListening } from './udpPorts';

export interface TrackSpec {
  router: ms.Router;
  producerId: string;
  /** The recording's folder. */
  dir: string;
  /** File name without extension: the track is written to `<name>.part`, then `<name>.ogg`. */
  name: string;
  /** Warm ffmpeg processes waiting for their SDP (RecorderPool). */
  pool: RecorderPool;
  log: Logger;
}

/** Why a track ended: a clean stop, its producer closed, its router's worker died, its writer failed. */
export type TrackEnd = 'stopped' | 'producerClosed' | 'routerClosed' | 'writerFailed';

/** How a track ended: finalised and renamed, left as `.part`, or empty (no packet ever came). */
export interface TrackFinish {
  bytes: number;
  finalised: boolean;
  empty: boolean;
}

/** The recorder asks only for Opus, without header extensions: the file needs nothing else. */
function recorderCapabilities(router: ms.Router): ms.RtpCapabilities {
  return {
    codecs: (router.rtpCapabilities.codecs ?? []).filter(
      (c) => c.mimeType.toLowerCase() === 'audio/opus',
    ),
    headerExtensions: [],
  };
}

/** The payload type the router gives Opus: a consumer of the recorder's capabilities gets it. */
function opusPayloadType(router: ms.Router): number {
  const pt = recorderCapabilities(router).codecs?.[0]?.preferredPayloadType;
  if (pt === undefined) throw new Error('the router has no Opus');
  return pt;
}

function sdpFor(pt: number, rtpPort: number, rtcpPort: number): string {
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=GiaoBan recording',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=audio ${rtpPort} RTP/AVP ${pt}`,
    `a=rtcp:${rtcpPort}`,
    `a=rtpmap:${pt} opus/48000/2`,
    `a=fmtp:${pt} minptime=10;useinbandfec=1`,
    'a=recvonly',
    '',
  ].join('\r\n');
}

/**
 * One unit's microphone into one Ogg Opus file, copied without re-encoding:
 * a PlainTransport on the producer's router sends its RTP to an ffmpeg child
 * listening on loopback. As the mediasoup recording examples do: the consumer
 * starts paused, the recorder starts, then the consumer resumes. SIGINT lets
 * ffmpeg finalise the file; only then is `.part` renamed to `.ogg`. ffmpeg
 * gets SIGINT too if this process dies (setpriv --pdeathsig), so a crashed
 * node leaves finalised `.part` files for the next node to salvage.
 */
export class TrackRecorder extends EventEmitter<{ ended: [TrackEnd] }> {
  readonly file: string;
  readonly startedAt: number;
  /** When the first RTP packet went to the recorder: the track's audio starts there. */
  readonly firstPacketAt: Promise<number>;
  readonly #spec: TrackSpec;
  readonly #transport: ms.PlainTransport;
  readonly #child: ChildProcess;
  readonly #exited: Promise<number | null>;
  #alive = true;
  #end: TrackEnd | null = null;
  readonly #stderr: () => string;
  /** The symlink ffmpeg opened its output through (removed when the track ends). */
  readonly #link: string;
  #finished: Promise<TrackFinish> | null = null;

  private constructor(
    spec: TrackSpec,
    transport: ms.PlainTransport,
    consumer: ms.Consumer,
    warm: WarmRecorder,
  ) {
    const child = warm.child;
    super();
    this.#spec = spec;
    this.file = `${spec.name}.ogg`;
    this.startedAt = Date.now();
    this.#transport = transport;
    this.#child = child;
    this.#exited = new Promise((resolve) => {
      if (!warm.alive()) {
        this.#alive = false;
        resolve(child.exitCode);
        return;
      }
      child.once('exit', (code) => {
        this.#alive = false;
        resolve(code);
      });
    });
    this.#stderr = warm.stderr;
    this.#link = warm.output;
    this.firstPacketAt = new Promise((resolve) => {
      const onTrace = (t: ms.ConsumerTraceEventData) => {
        if (t.type !== 'rtp') return;
        consumer.off('trace', onTrace);
        resolve(Date.now());
        void consumer.enableTraceEvent([]).catch(() => undefined);
      };
      consumer.on('trace', onTrace);
    });
    consumer.on('producerclose', () => this.#ended('producerClosed'));
    consumer.on('transportclose', () => this.#ended('routerClosed'));
    void this.#exited.then(() => this.#ended('writerFailed'));
  }

  static async start(spec: TrackSpec): Promise<TrackRecorder> {
    const { router } = spec;
    const part = path.join(spec.dir, `${spec.name}.part`);
    const pt = opusPayloadType(router);
    for (let attempt = 0; ; attempt++) {
      let transport: ms.PlainTransport | undefined;
      const warm = spec.pool.take();
      try {
        // What does not depend on each other runs at once: start is on the host's click path.
        const [t, [rtpPort, rtcpPort]] = await Promise.all([
          router
            .createPlainTransport({
              listenInfo: { protocol: 'udp', ip: '127.0.0.1' },
              rtcpMux: false,
              comedia: false,
              appData: { recording: true },
            })
            // Kept at once: closed below should the port search fail.
            .then((created) => (transport = created)),
          freePortPair(),
        ]);
        // The warm ffmpeg opens its output once its input is open: it writes into our `.part`.
        await symlink(part, warm.output);
        warm.child.stdin?.end(sdpFor(pt, rtpPort, rtcpPort));
        const [consumer] = await Promise.all([
          (async () => {
            await t.connect({ ip: '127.0.0.1', port: rtpPort, rtcpPort });
            const c = await t.consume({
              producerId: spec.producerId,
              rtpCapabilities: recorderCapabilities(router),
              paused: true,
            });
            if (c.rtpParameters.codecs[0]?.payloadType !== pt)
              throw new Error('recorder consumer got another payload type than its SDP');
            // The first packet sent to the recorder is where the file's audio starts (its offset).
            await c.enableTraceEvent(['rtp']);
            return c;
          })(),
          waitListening(rtpPort, warm.alive, 10_000),
        ]);
        const track = new TrackRecorder(spec, t, consumer, warm);
        // Resumed only once ffmpeg listens. Audio needs no keyframe request (video would ask here).
        await consumer.resume();
        return track;
      } catch (err) {
        warm.child.kill('SIGKILL');
        transport?.close();
        await rm(warm.output, { force: true });
        await rm(part, { force: true });
        if (attempt >= 2) throw Object.assign(err as Error, { stderr: warm.stderr() });
        spec.log.warn({ err, producerId: spec.producerId }, 'recorder start failed, retrying');
      }
    }
  }

  get ended(): TrackEnd | null {
    return this.#end;
  }

  /** Ends the track (idempotent): the file is finalised and renamed, or left as `.part` if it could not be. */
  finish(reason: TrackEnd = 'stopped'): Promise<TrackFinish> {
    this.#end ??= reason;
    this.#finished ??= this.#finish();
    return this.#finished;
  }

  #ended(reason: TrackEnd): void {
    if (this.#end) return;
    this.#end = reason;
    this.emit('ended', reason);
  }

  async #finish(): Promise<TrackFinish> {
    const part = path.join(this.#spec.dir, `${this.#spec.name}.part`);
    const wasAlive = this.#alive;
    if (wasAlive) this.#child.kill('SIGINT');
    // ffmpeg leaves a read that waits for packets only on a second signal (its interrupt
    // callback needs more signals than the one that asks it to stop): a track whose
    // router died, or whose unit is muted, receives nothing. It still writes the trailer.
    const again = setTimeout(() => this.#child.kill('SIGINT'), 300);
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 5_000);
    const code = await this.#exited;
    clearTimeout(again);
    clearTimeout(timer);
    await rm(this.#link, { force: true }).catch(() => undefined);
    this.#transport.close();
    // ffmpeg exits 255 after SIGINT once it has written the trailer; a crash or SIGKILL does not.
    const finalised = wasAlive && (code === 255 || code === 0);
    const bytes = await stat(part).then(
      (s) => s.size,
      () => 0,
    );
    // An empty (or no) `.part` after a clean stop: ffmpeg never got a packet to write a
    // page with. Nothing was lost: the track is empty, and leaves no file behind.
    if (finalised && bytes === 0) {
      await rm(part, { force: true }).catch(() => undefined);
      this.#spec.log.info({ file: this.file }, 'track got no audio: nothing written');
      return { bytes, finalised, empty: true };
    }
    if (!finalised || bytes === 0) {
      this.#spec.log.error(
        { file: this.file, code, stderr: this.#stderr().slice(-500) },
        'track writer did not finalise: left as .part',
      );
      return { bytes, finalised: false, empty: false };
    }
    await rename(part, path.join(this.#spec.dir, this.file));
    return { bytes, finalised, empty: false };
  }
}
