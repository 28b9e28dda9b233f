import { randomBytes } from 'node:crypto';
import type { types as ms } from 'mediasoup';
import { opusRtpParameters } from '@giaoban/sfu/testing/rtp';
import type { GenTarget } from './genSink';

/**
 * The load both sides build, identically: `speakers` endpoints each producing one
 * Opus stream on a comedia PlainTransport (fed by the generator), and listener
 * endpoints each consuming every speaker on its own SRTP PlainTransport that sends
 * to the one sink. Every endpoint has two transports (send + recv), as a browser does,
 * so a listener is one SRTP session per receiving participant: realistic session counts.
 */
export interface LoadSide {
  readonly name: SideName;
  readonly workerPid: number;
  readonly listeners: number;
  /** Adds listener endpoints until there are `listeners`. */
  grow(listeners: number): Promise<void>;
  targets(): GenTarget[];
  /** Worker CPU time so far (ru_utime + ru_stime), ms. */
  workerCpuMs(): Promise<number>;
  /** Transports, producers, consumers that exist in the worker (router dump). */
  counts(): Promise<{ transports: number; producers: number; consumers: number }>;
  close(): Promise<void>;
}

/**
 * 'control' is a second bare load: an A/A comparison that shows the noise of the ratio.
 * The SRTP part names its sides by worker and SRTP ('openssl-on', 'nss-off' …).
 */
export type SideName = 'bare' | 'orchestrated' | 'control' | (string & {});

export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
/** What mediasoup's PlainTransport uses by default; WebRTC negotiates its suite over DTLS. */
export const SRTP_SUITE: ms.SrtpCryptoSuite = 'AES_CM_128_HMAC_SHA1_80';

export const speakerSsrc = (i: number): number => 0x1000_0000 + i;

/** An Opus producer as a browser sends it: one SSRC, the audio-level extension (id 1). */
export function producerRtpParameters(ssrc: number): ms.RtpParameters {
  return { ...opusRtpParameters(ssrc), headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: 1 }] };
}

/** Master key + salt bytes per suite (mediasoup checks the length). */
const MASTER_LENGTH: Record<ms.SrtpCryptoSuite, number> = {
  AEAD_AES_256_GCM: 44,
  AEAD_AES_128_GCM: 28,
  AES_CM_128_HMAC_SHA1_80: 30,
  AES_CM_128_HMAC_SHA1_32: 30,
};

/**
 * The sink never sends, but an SRTP PlainTransport needs the remote's key to connect.
 * The remote's suite becomes the transport's (mediasoup regenerates its own key to match).
 */
export function remoteSrtp(suite: ms.SrtpCryptoSuite = SRTP_SUITE): ms.SrtpParameters {
  return { cryptoSuite: suite, keyBase64: randomBytes(MASTER_LENGTH[suite]).toString('base64') };
}

export function targetsOf(ports: readonly number[], listeners: number): GenTarget[] {
  return ports.map((port, i) => ({ port, ssrc: speakerSsrc(i), fanout: listeners }));
}

/** CPU time (user + system, ms) a mediasoup worker has used so far. */
export async function workerCpuMs(worker: ms.Worker): Promise<number> {
  const u = await worker.getResourceUsage();
  return u.ru_utime + u.ru_stime;
}
