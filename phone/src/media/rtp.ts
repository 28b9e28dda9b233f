/** RTP (RFC 3550) headers: enough to read and write the audio the phone role carries. */
export interface RtpPacket {
  payloadType: number;
  marker: boolean;
  sequence: number;
  timestamp: number;
  ssrc: number;
  payload: Buffer;
}

/** RTCP shares the port (rtcp-mux): packet types 200–204 sit where RTP's marker and type are. */
export function isRtcp(b: Buffer): boolean {
  return b.length >= 2 && b[1]! >= 192 && b[1]! <= 223;
}

export function parseRtp(b: Buffer): RtpPacket | null {
  if (b.length < 12 || b[0]! >> 6 !== 2 || isRtcp(b)) return null;
  const cc = b[0]! & 0x0f;
  let offset = 12 + cc * 4;
  if (b[0]! & 0x10) {
    if (b.length < offset + 4) return null;
    offset += 4 + b.readUInt16BE(offset + 2) * 4;
  }
  let end = b.length;
  if (b[0]! & 0x20) end -= b[b.length - 1]!;
  if (offset > end) return null;
  return {
    payloadType: b[1]! & 0x7f,
    marker: (b[1]! & 0x80) !== 0,
    sequence: b.readUInt16BE(2),
    timestamp: b.readUInt32BE(4),
    ssrc: b.readUInt32BE(8),
    payload: b.subarray(offset, end),
  };
}

export function buildRtp(p: Omit<RtpPacket, 'payload'> & { payload: Uint8Array }): Buffer {
  const b = Buffer.allocUnsafe(12 + p.payload.length);
  b[0] = 0x80;
  b[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  b.writeUInt16BE(p.sequence & 0xffff, 2);
  b.writeUInt32BE(p.timestamp >>> 0, 4);
  b.writeUInt32BE(p.ssrc >>> 0, 8);
  b.set(p.payload, 12);
  return b;
}

/** One outgoing RTP stream: sequence and timestamp kept here. */
export class RtpSender {
  readonly ssrc: number;
  readonly payloadType: number;
  #seq = Math.floor(Math.random() * 0xffff);
  #ts = Math.floor(Math.random() * 0xffffffff);
  #first = true;

  constructor(payloadType: number, ssrc = (Math.random() * 0xffffffff) >>> 0) {
    this.payloadType = payloadType;
    this.ssrc = ssrc;
  }

  /** The packet for `payload`, then the timestamp moves on by `samples`. */
  next(payload: Uint8Array, samples: number): Buffer {
    const b = buildRtp({
      payloadType: this.payloadType,
      marker: this.#first,
      sequence: this.#seq,
      timestamp: this.#ts,
      ssrc: this.ssrc,
      payload,
    });
    this.#first = false;
    this.#seq = (this.#seq + 1) & 0xffff;
    this.#ts = (this.#ts + samples) >>> 0;
    return b;
  }
}
