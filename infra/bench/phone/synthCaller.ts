import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { randomBytes } from 'node:crypto';
import sip, { type SipStack } from 'sip';
import { alawDecode, alawEncode } from '@giaoban/phone/media/g711';
import { parseRtp, RtpSender } from '@giaoban/phone/media/rtp';
import { parseOffer } from '@giaoban/phone/sip/sdp';

/** A frame with more energy than this (mean |sample|) is sound, not G.711 silence. */
const SOUND = 300;
const UA_IP = '127.0.0.2';

/**
 * A synthetic phone for the benchmark: SIP over UDP through the `sip`
 * package (one user agent, many calls), PCMA RTP from this process, the PIN as
 * RFC 4733 telephone-events. It speaks a gated tone (on `onMs` of every
 * second) and counts what it hears; a lossy link is emulated by dropping
 * `lossPct` of its audio packets each way.
 */
export class SynthCaller {
  readonly rtp: UdpSocket;
  readonly sent = { frames: 0, onFrames: 0 };
  readonly heard = { frames: 0, soundFrames: 0, onsets: [] as number[] };
  /** When each of its tone bursts started (ms, performance.now()). */
  readonly burstStarts: number[] = [];
  pinSentAt = 0;
  firstSoundAfterPin = 0;
  ended = false;
  #remote: { ip: string; port: number } | null = null;
  #timer: NodeJS.Timeout | undefined;
  readonly #sender = new RtpSender(8);
  #wasSound = false;
  #phase = 0;
  #dtmfTs = 0;
  #dtmfSeq = 0;

  constructor(
    readonly o: { freq: number; lossPct: number; onMs: number; startAt: number },
    rtp: UdpSocket,
  ) {
    this.rtp = rtp;
    rtp.on('message', (b) => this.#onRtp(b));
  }

  static async create(o: { freq: number; lossPct: number; onMs?: number }): Promise<SynthCaller> {
    const s = createSocket('udp4');
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    return new SynthCaller({ ...o, onMs: o.onMs ?? 400, startAt: performance.now() }, s);
  }

  /** Places the call; resolves once answered (RTP flows both ways from then on). */
  dial(ua: SipStack, target: string, uaPort: number): Promise<void> {
    const tag = randomBytes(4).toString('hex');
    const port = this.rtp.address().port;
    const sdp = [
      'v=0',
      'o=- 1 1 IN IP4 127.0.0.1',
      's=-',
      'c=IN IP4 127.0.0.1',
      't=0 0',
      `m=audio ${port} RTP/AVP 8 101`,
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=sendrecv',
      '',
    ].join('\r\n');
    return new Promise((resolve, reject) => {
      ua.send(
        {
          method: 'INVITE',
          uri: target,
          headers: {
            to: { uri: target, params: {} },
            from: { uri: `sip:bench@${UA_IP}:${uaPort}`, params: { tag } },
            'call-id': randomBytes(8).toString('hex'),
            cseq: { method: 'INVITE', seq: 1 },
            contact: [{ uri: `sip:bench@${UA_IP}:${uaPort}`, params: {} }],
            'content-type': 'application/sdp',
          },
          content: sdp,
        },
        (rs) => {
          if (rs.status < 200) return;
          if (rs.status >= 300) return reject(new Error(`INVITE: ${rs.status}`));
          ua.send({
            method: 'ACK',
            uri: rs.headers.contact?.[0]?.uri ?? target,
            headers: {
              to: rs.headers.to,
              from: rs.headers.from,
              'call-id': rs.headers['call-id'],
              cseq: { method: 'ACK', seq: rs.headers.cseq.seq },
              via: [],
            },
          });
          const answer = parseOffer(rs.content ?? '');
          if (!answer) return reject(new Error('no SDP answer'));
          this.#remote = { ip: answer.ip, port: answer.port };
          this.#startSending();
          resolve();
        },
      );
    });
  }

  /** Types the PIN and '#' (each digit: three event packets, then three end packets). */
  async typePin(pin: string): Promise<void> {
    for (const d of `${pin}#`) {
      const event = d === '#' ? 11 : Number(d);
      this.#dtmfTs = (this.#dtmfTs + 8000) >>> 0;
      for (let i = 0; i < 6; i++) {
        const end = i >= 3;
        const payload = Buffer.from([event, (end ? 0x80 : 0) | 10, 0, (i + 1) * 80]);
        const pkt = Buffer.from(this.#sender.next(payload, 0));
        pkt[1] = (i === 0 ? 0x80 : 0) | 101;
        pkt.writeUInt32BE(this.#dtmfTs, 4);
        pkt.writeUInt16BE(this.#dtmfSeq++ & 0xffff, 2);
        if (d === '#' && i === 0) this.pinSentAt = performance.now();
        this.#send(pkt, false);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  }

  stop(): void {
    this.ended = true;
    clearInterval(this.#timer);
    this.rtp.close();
  }

  #send(b: Buffer, lossy: boolean): void {
    if (!this.#remote || this.ended) return;
    if (lossy && Math.random() * 100 < this.o.lossPct) return;
    this.rtp.send(b, this.#remote.port, this.#remote.ip);
  }

  #startSending(): void {
    let next = performance.now();
    const frame = new Int16Array(160);
    const loop = () => {
      const now = performance.now();
      while (next <= now) {
        const inBurst = (next - this.o.startAt) % 1000 < this.o.onMs;
        if (inBurst && (next - this.o.startAt) % 1000 < 20) this.burstStarts.push(next);
        for (let i = 0; i < 160; i++) {
          frame[i] = inBurst ? Math.round(8000 * Math.sin(this.#phase)) : 0;
          this.#phase += (2 * Math.PI * this.o.freq) / 8000;
        }
        this.sent.frames++;
        if (inBurst) this.sent.onFrames++;
        this.#send(this.#sender.next(alawEncode(frame), 160), true);
        next += 20;
      }
      if (!this.ended) this.#timer = setTimeout(loop, Math.max(1, next - performance.now()));
    };
    loop();
  }

  #onRtp(b: Buffer): void {
    if (Math.random() * 100 < this.o.lossPct) return;
    const p = parseRtp(b);
    if (!p || p.payloadType !== 8) return;
    this.heard.frames++;
    const pcm = alawDecode(p.payload);
    let sum = 0;
    for (const v of pcm) sum += Math.abs(v);
    const sound = sum / pcm.length > SOUND;
    if (sound && this.pinSentAt && !this.firstSoundAfterPin)
      this.firstSoundAfterPin = performance.now();
    if (sound && this.firstSoundAfterPin) this.heard.soundFrames++;
    if (sound && !this.#wasSound && this.firstSoundAfterPin)
      this.heard.onsets.push(performance.now());
    this.#wasSound = sound;
  }
}

/** One SIP user agent for every synthetic caller (a free UDP port on loopback). */
export async function benchUserAgent(): Promise<{ ua: SipStack; port: number }> {
  // 127.0.0.2: the `sip` package takes requests to its own address for its flow tokens.
  const probe = createSocket('udp4');
  await new Promise<void>((r) => probe.bind(0, UA_IP, () => r()));
  const port = probe.address().port;
  await new Promise<void>((r) => probe.close(() => r()));
  const ua = sip.create({ port, address: UA_IP, publicAddress: UA_IP, tcp: false }, (rq) => {
    // The phone role's BYE (and anything else in a dialog): accepted.
    if (rq.method !== 'ACK') ua.send(sip.makeResponse(rq, 200, 'OK'));
  });
  return { ua, port };
}
