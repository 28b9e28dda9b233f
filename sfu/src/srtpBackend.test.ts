import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mediasoup from 'mediasoup';
import type { types as ms } from 'mediasoup';
import { mediasoupWorkerBin, srtpBackendOf, srtpWarning } from './srtpBackend';
import { opusRtpParameters, rtpPacket } from './testing/rtp';

/** Debian's own libsrtp2 (libsrtp2-1, built on NSS): what the worker must not use. */
const DEBIAN_LIBSRTP = '/usr/lib/x86_64-linux-gnu/libsrtp2.so.1';

describe('SRTP crypto of the mediasoup worker', () => {
  // Fails when the worker in use is linked to Debian's NSS-backed libsrtp2 (the install's
  // fallback), e.g. MEDIASOUP_WORKER_BIN=~/.cache/giaoban/mediasoup-worker-*_nss.
  it('the worker in use carries libsrtp2 on OpenSSL, linked in', () => {
    const srtp = srtpBackendOf(mediasoupWorkerBin());
    expect(srtp).toMatchObject({
      backend: 'openssl',
      linkage: 'static',
      ok: true,
      // Fails on a worker built without infra/mediasoup/libsrtp-openssl-fastpath.patch.
      fastPath: true,
    });
    expect(srtp.version).toMatch(/^2\.\d+\.\d+$/);
    expect(srtpWarning(srtp)).toBeNull();
  });

  it.runIf(existsSync(DEBIAN_LIBSRTP))("recognises Debian's shared libsrtp2 as NSS", () => {
    const srtp = srtpBackendOf(DEBIAN_LIBSRTP);
    expect(srtp).toMatchObject({ backend: 'nss', ok: false, fastPath: false });
    expect(srtpWarning(srtp)).toMatch(/WARNING: .* nss/);
  });
});

describe('SRTP suites through the worker', () => {
  let worker: ms.Worker;
  beforeAll(async () => {
    worker = await mediasoup.createWorker({ logLevel: 'warn', disableLiburing: true });
  });
  afterAll(() => worker?.close());

  // What browsers negotiate over DTLS (mediasoup prefers AEAD_AES_256_GCM), and the suite of
  // plain transports: encrypted by one router's transport, decrypted by another's.
  it.each<ms.SrtpCryptoSuite>(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80'])(
    'protects and unprotects %s',
    async (suite) => {
      const codecs: ms.RouterRtpCodecCapability[] = [
        { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2 },
      ];
      const a = await worker.createRouter({ mediaCodecs: codecs });
      const b = await worker.createRouter({ mediaCodecs: codecs });
      const listenInfo = { protocol: 'udp', ip: '127.0.0.1' } as const;
      const ingest = await a.createPlainTransport({ listenInfo, rtcpMux: true, comedia: true });
      const producer = await ingest.produce({
        kind: 'audio',
        rtpParameters: opusRtpParameters(0x5150),
      });
      const srtp = { listenInfo, rtcpMux: true, enableSrtp: true, srtpCryptoSuite: suite };
      const out = await a.createPlainTransport(srtp);
      const back = await b.createPlainTransport(srtp);
      await out.connect({
        ip: '127.0.0.1',
        port: back.tuple.localPort,
        srtpParameters: back.srtpParameters!,
      });
      await back.connect({
        ip: '127.0.0.1',
        port: out.tuple.localPort,
        srtpParameters: out.srtpParameters!,
      });
      expect(out.srtpParameters?.cryptoSuite).toBe(suite);
      const consumer = await out.consume({
        producerId: producer.id,
        rtpCapabilities: a.rtpCapabilities,
      });
      const decrypted = await back.produce({
        kind: 'audio',
        rtpParameters: consumer.rtpParameters,
      });

      const socket = dgram.createSocket('udp4');
      await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
      for (let i = 0; i < 20; i++) {
        socket.send(rtpPacket(0x5150, i, 960 * i), ingest.tuple.localPort, '127.0.0.1');
        await new Promise((r) => setTimeout(r, 10));
      }
      let received = 0;
      for (let t = 0; t < 40 && received < 20; t++) {
        await new Promise((r) => setTimeout(r, 50));
        received = (await decrypted.getStats())[0]?.packetCount ?? 0;
      }
      socket.close();
      a.close();
      b.close();
      expect(received).toBe(20);
    },
  );
});
