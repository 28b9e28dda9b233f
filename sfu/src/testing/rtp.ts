import dgram from 'node:dgram';
import type { types as ms } from 'mediasoup';

/**
 * RTP helpers for tests and benchmarks that load the SFU without browsers:
 * a generator that injects Opus-like packets into a comedia PlainTransport,
 * and a sink that counts what consumers send, per SSRC.
 */

export const OPUS_PT = 111;

/** RTP parameters of an Opus producer on a PlainTransport (one SSRC). */
export function opusRtpParameters(ssrc: number): ms.RtpParameters {
  return {
    codecs: [
      {
        mimeType: 'audio/opus',
        payloadType: OPUS_PT,
        clockRate: 48000,
        channels: 2,
        parameters: { useinbandfec: 1, usedtx: 1 },
        rtcpFeedback: [],
      },
    ],
    encodings: [{ ssrc }],
  };
}

export function rtpPacket(
  ssrc: number,
  seq: number,
  timestamp: number,
  payloadType = OPUS_PT,
): Buffer {
  const b = Buffer.alloc(12 + 40);
  b[0] = 0x80;
  b[1] = payloadType & 0x7f;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE(timestamp >>> 0, 4);
  b.writeUInt32BE(ssrc >>> 0, 8);
  b.fill(0xab, 12);
  return b;
}

export interface RtpSink {
  readonly port: number;
  /** Packets received per SSRC. */
  readonly counts: Map<number, number>;
  close(): void;
}

export async function startRtpSink(): Promise<RtpSink> {
  const socket = dgram.createSocket({ type: 'udp4', recvBufferSize: 8 * 1024 * 1024 });
  const counts = new Map<number, number>();
  socket.on('message', (msg) => {
    // RTCP (payload types 200–206 in byte 1) is not media.
    if (msg.length < 12 || (msg[1]! >= 200 && msg[1]! <= 206)) return;
    const ssrc = msg.readUInt32BE(8);
    counts.set(ssrc, (counts.get(ssrc) ?? 0) + 1);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return { port: socket.address().port, counts, close: () => socket.close() };
}

export interface RtpSender {
  /** Sends `packets` packets per target, one round every `intervalMs`. */
  send(
    targets: { port: number; ssrc: number }[],
    packets: number,
    intervalMs?: number,
  ): Promise<void>;
  close(): void;
}

export async function startRtpSender(): Promise<RtpSender> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  let seq = 0;
  return {
    async send(targets, packets, intervalMs = 20) {
      for (let i = 0; i < packets; i++) {
        seq++;
        for (const t of targets)
          socket.send(rtpPacket(t.ssrc, seq, seq * 960), t.port, '127.0.0.1');
        await new Promise((r) => setTimeout(r, intervalMs));
      }
    },
    close: () => socket.close(),
  };
}

/** The port a comedia PlainTransport listens on. */
export function plainPort(transport: ms.PlainTransport | ms.WebRtcTransport): number {
  if (transport.type !== 'plain') throw new Error('not a PlainTransport');
  return (transport as ms.PlainTransport).tuple.localPort;
}
