import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomUUID } from 'node:crypto';
import OpusScript from 'opusscript';
import type { Logger } from '@giaoban/common/logger';
import { parseRtp, RtpSender } from '../media/rtp';
import { AppClient } from './appClient';

/** 20 ms at 8 kHz: the frame of every mix tick and of G.711. */
export const FRAME = 160;
const OPUS_PT = 100;
/** Frames a speaker may be ahead of the mix before the oldest is dropped (bounds the delay). */
const MAX_QUEUE = 6;

/** What the phone tells the SFU it can receive: Opus only, no header extensions. */
const phoneCapabilities = {
  codecs: [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      preferredPayloadType: OPUS_PT,
      rtcpFeedback: [],
    },
  ],
  headerExtensions: [],
};

interface Source {
  consumerId: string;
  producerId: string;
  decoder: OpusScript;
  queue: Int16Array[];
}

/**
 * One caller in the meeting: a signaling connection as the PIN's unit, a
 * phone endpoint on the SFU (PlainTransports) and one UDP socket for its RTP.
 * Up: the caller's PCM (8 kHz) → Opus → the unit's microphone producer.
 * Down: every other microphone's Opus (consumers, demultiplexed by SSRC) →
 * PCM at 8 kHz → `mixFrame()` sums one frame of each: the meeting minus the caller.
 */
export class MeetingBridge {
  readonly app: AppClient;
  readonly endpointId: string;
  readonly #udp: UdpSocket;
  readonly #send: { ip: string; port: number };
  readonly #encoder: OpusScript;
  readonly #up: RtpSender;
  readonly #sources = new Map<number, Source>();
  readonly #log: Logger;
  #closed = false;
  /** Counters for the bench and the logs. */
  readonly stats = { upPackets: 0, downPackets: 0, mixedFrames: 0 };

  private constructor(
    app: AppClient,
    udp: UdpSocket,
    endpointId: string,
    send: { ip: string; port: number },
    log: Logger,
  ) {
    this.app = app;
    this.#udp = udp;
    this.endpointId = endpointId;
    this.#send = send;
    this.#log = log;
    this.#encoder = new OpusScript(8000, 1, OpusScript.Application.VOIP);
    this.#encoder.setBitrate(16_000);
    this.#up = new RtpSender(OPUS_PT);
    udp.on('message', (b) => this.#onRtp(b));
  }

  static async open(o: {
    appUrl: string;
    token: string;
    meetingId: string;
    rtpIp: string;
    log: Logger;
  }): Promise<MeetingBridge> {
    const app = await AppClient.connect(o.appUrl, o.token);
    const udp = createSocket('udp4');
    try {
      await new Promise<void>((resolve, reject) => {
        udp.once('error', reject);
        udp.bind(0, o.rtpIp, () => resolve());
      });
      await app.request('media:capabilities', { rtpCapabilities: phoneCapabilities });
      const joined = await app.request('phone:join', {
        meetingId: o.meetingId,
        deviceId: `phone-${randomUUID()}`,
        recvTo: { ip: o.rtpIp, port: udp.address().port },
      });
      const bridge = new MeetingBridge(app, udp, joined.self.id, joined.send, o.log);
      for (const c of joined.consumers) bridge.#addConsumer(c);
      app.on('media:newProducer', ({ producer }) => {
        if (producer.kind === 'audio') void bridge.#consume(producer.id);
      });
      app.on('media:consumerClosed', ({ consumerId }) => bridge.#dropConsumer(consumerId));
      // The caller hears the meeting from here on; its microphone is published meanwhile.
      void bridge.#produce(joined.send.id);
      return bridge;
    } catch (err) {
      udp.close();
      app.close();
      throw err;
    }
  }

  async #produce(transportId: string): Promise<void> {
    try {
      await this.app.request('media:produce', {
        transportId,
        kind: 'audio',
        source: 'mic',
        rtpParameters: {
          codecs: [
            {
              mimeType: 'audio/opus',
              payloadType: OPUS_PT,
              clockRate: 48000,
              channels: 2,
              parameters: { useinbandfec: 1 },
              rtcpFeedback: [],
            },
          ],
          encodings: [{ ssrc: this.#up.ssrc }],
          headerExtensions: [],
          rtcp: { cname: `phone-${this.endpointId.slice(0, 8)}`, reducedSize: true },
        },
      });
    } catch (err) {
      if (!this.#closed) this.#log.error({ err }, 'the caller could not be published');
    }
  }

  /** The caller's next 20 ms (8 kHz PCM) into the meeting. */
  sendPcm(frame: Int16Array): void {
    if (this.#closed) return;
    const pcm = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
    const opus = this.#encoder.encode(pcm, FRAME);
    // The RTP clock of Opus is 48 kHz whatever the encoder's rate: 960 per 20 ms.
    this.#udp.send(this.#up.next(opus, 960), this.#send.port, this.#send.ip);
    this.stats.upPackets++;
  }

  /** One frame of the meeting minus the caller (null: nobody is sending). */
  mixFrame(): Int16Array | null {
    let mix: Int32Array | null = null;
    for (const s of this.#sources.values()) {
      const f = s.queue.shift();
      if (!f) continue;
      mix ??= new Int32Array(FRAME);
      for (let i = 0; i < FRAME; i++) mix[i]! += f[i] ?? 0;
    }
    if (!mix) return null;
    this.stats.mixedFrames++;
    const out = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) out[i] = Math.max(-32768, Math.min(32767, mix[i]!));
    return out;
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.app.close();
    this.#udp.close();
    this.#encoder.delete();
    for (const s of this.#sources.values()) s.decoder.delete();
    this.#sources.clear();
  }

  async #consume(producerId: string): Promise<void> {
    try {
      const r = await this.app.request('media:consume', { producerIds: [producerId] });
      for (const c of r.consumers) this.#addConsumer(c);
      const ids = r.consumers.map((c) => c.id);
      if (ids.length > 0) await this.app.request('media:resumeConsumers', { consumerIds: ids });
    } catch (err) {
      this.#log.warn({ err, producerId }, 'phone could not consume a producer');
    }
  }

  #addConsumer(c: {
    id: string;
    producerId: string;
    kind: string;
    rtpParameters: Record<string, unknown>;
  }): void {
    if (c.kind !== 'audio' || this.#closed) return;
    const encodings = c.rtpParameters.encodings as { ssrc?: number }[] | undefined;
    const ssrc = encodings?.[0]?.ssrc;
    if (typeof ssrc !== 'number') return;
    this.#sources.set(ssrc, {
      consumerId: c.id,
      producerId: c.producerId,
      decoder: new OpusScript(8000, 1, OpusScript.Application.VOIP),
      queue: [],
    });
  }

  #dropConsumer(consumerId: string): void {
    for (const [ssrc, s] of this.#sources) {
      if (s.consumerId !== consumerId) continue;
      s.decoder.delete();
      this.#sources.delete(ssrc);
    }
  }

  #onRtp(b: Buffer): void {
    const p = parseRtp(b);
    if (!p) return;
    const s = this.#sources.get(p.ssrc);
    if (!s || p.payload.length === 0) return;
    this.stats.downPackets++;
    let pcm: Buffer;
    try {
      pcm = s.decoder.decode(p.payload);
    } catch {
      return;
    }
    // The decoder's buffer is reused by the next decode: copied out here.
    const frame = new Int16Array(pcm.byteLength >> 1);
    for (let i = 0; i < frame.length; i++) frame[i] = pcm.readInt16LE(i * 2);
    // Opus frames may be 10–60 ms: cut into 20 ms pieces.
    for (let i = 0; i + FRAME <= frame.length; i += FRAME) {
      s.queue.push(frame.slice(i, i + FRAME));
      if (s.queue.length > MAX_QUEUE) s.queue.shift();
    }
  }
}
