import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import {
  ProtectionProfileAeadAes128Gcm,
  ProtectionProfileAes128CmHmacSha1_80,
  RtpPacket,
  SrtpSession,
} from 'werift';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';

/**
 * The worker's SRTP against an independent implementation: werift's (Node's crypto), in both
 * directions. The worker's libsrtp2 carries GiaoBan's OpenSSL fast path
 * (infra/mediasoup/libsrtp-openssl-fastpath.patch: its own HMAC-SHA1 and AES counter mode);
 * a keystream or tag that differs from the standard by one bit fails here. Payload lengths
 * 1…200 bytes cross every AES block boundary. (werift implements AES-CM-128-HMAC-SHA1-80 and
 * AEAD-AES-128-GCM; AEAD_AES_256_GCM, what Chromium negotiates, is checked against Chromium
 * itself in e2e/srtpSuite.test.ts.)
 */
const SUITES = [
  { suite: 'AES_CM_128_HMAC_SHA1_80', profile: ProtectionProfileAes128CmHmacSha1_80, salt: 14 },
  { suite: 'AEAD_AES_128_GCM', profile: ProtectionProfileAeadAes128Gcm, salt: 12 },
] as const;
const PACKETS = 40;
const payloadOf = (i: number) => Buffer.alloc(1 + ((i * 37) % 200), (i * 7 + 1) & 0xff);
const listenInfo = { protocol: 'udp', ip: '127.0.0.1' } as const;

async function udpSocket(): Promise<{ socket: dgram.Socket; port: number; got: Buffer[] }> {
  const socket = dgram.createSocket('udp4');
  const got: Buffer[] = [];
  socket.on('message', (m) => {
    if (m.length >= 12 && (m[1]! < 200 || m[1]! > 206)) got.push(m); // RTP, not RTCP
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, port: socket.address().port, got };
}

function rtp(ssrc: number, seq: number, payload: Buffer): RtpPacket {
  const b = Buffer.alloc(12);
  b[0] = 0x80;
  b[1] = 111;
  b.writeUInt16BE(seq, 2);
  b.writeUInt32BE(seq * 960, 4);
  b.writeUInt32BE(ssrc, 8);
  return RtpPacket.deSerialize(Buffer.concat([b, payload]));
}

async function until(cond: () => boolean): Promise<void> {
  for (let t = 0; t < 60 && !cond(); t++) await new Promise((r) => setTimeout(r, 50));
}

describe('the worker SRTP against werift (an independent implementation)', () => {
  let worker: ms.Worker;
  let router: ms.Router;
  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true });
    router = await worker.createRouter({
      mediaCodecs: [{ kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 }],
    });
  });
  afterAll(() => worker?.close());

  it.each(SUITES)('$suite: werift decrypts what the worker encrypts, and back', async (s) => {
    const peer = await udpSocket();
    const plain = await udpSocket();
    const ourKey = Buffer.alloc(16 + s.salt, 0x5a);
    // Worker → werift: a plain ingest forwarded to an SRTP transport that sends to `peer`.
    const ingest = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
    const producer = await ingest.produce({
      kind: 'audio',
      rtpParameters: opusRtpParameters(0x11),
    });
    const srtp = { listenInfo, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: s.suite };
    const out = await router.createPlainTransport({ ...srtp, comedia: false });
    const srtpParameters = { cryptoSuite: s.suite, keyBase64: ourKey.toString('base64') };
    await out.connect({ ip: '127.0.0.1', port: peer.port, srtpParameters });
    await out.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities });
    const workerKey = Buffer.from(out.srtpParameters!.keyBase64, 'base64');
    const session = new SrtpSession({
      profile: s.profile,
      keys: {
        localMasterKey: ourKey.subarray(0, 16),
        localMasterSalt: ourKey.subarray(16),
        remoteMasterKey: workerKey.subarray(0, 16),
        remoteMasterSalt: workerKey.subarray(16),
      },
    });
    for (let i = 0; i < PACKETS; i++)
      peer.socket.send(rtp(0x11, i + 1, payloadOf(i)).serialize(), ingest.tuple.localPort);
    await until(() => peer.got.length >= PACKETS);
    const decrypted = peer.got.map((m) => RtpPacket.deSerialize(session.decrypt(m)).payload);
    expect(decrypted).toEqual(Array.from({ length: PACKETS }, (_, i) => payloadOf(i)));

    // werift → worker: SRTP into a transport that knows our key, forwarded as plain RTP.
    const inbound = await router.createPlainTransport({ ...srtp, comedia: true });
    await inbound.connect({ srtpParameters });
    const fromPeer = await inbound.produce({
      kind: 'audio',
      rtpParameters: opusRtpParameters(0x22),
    });
    const back = await router.createPlainTransport({ listenInfo, rtcpMux: true, comedia: false });
    await back.connect({ ip: '127.0.0.1', port: plain.port });
    await back.consume({ producerId: fromPeer.id, rtpCapabilities: router.rtpCapabilities });
    for (let i = 0; i < PACKETS; i++) {
      const p = rtp(0x22, i + 1, payloadOf(i));
      plain.socket.send(session.encrypt(p.payload, p.header), inbound.tuple.localPort);
    }
    await until(() => plain.got.length >= PACKETS);
    expect(plain.got.map((m) => RtpPacket.deSerialize(m).payload)).toEqual(
      Array.from({ length: PACKETS }, (_, i) => payloadOf(i)),
    );
    peer.socket.close();
    plain.socket.close();
  });
});
