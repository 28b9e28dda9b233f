import type { Device } from 'mediasoup-client';
import type {
  Consumer,
  DtlsParameters,
  IceCandidate,
  IceParameters,
  Transport,
} from 'mediasoup-client/types';
import type { JoinResponse } from '@giaoban/signaling/protocol/index';
import type { MediaSource, RemoteTrack } from './engineEvents';
import type { SignalingClient } from './signalingClient';
import { markJoin } from './joinTrace';

/**
 * On a weak link the SFU opens the DTLS handshake (mediasoup as DTLS client, the
 * browser as server). The browser's own ClientHello is large — 1,463 bytes in two packets
 * from Chromium 156 (its key shares) — and a 20 kbit/s GPRS uplink carried two of
 * them (send and receive transports) plus their retransmissions after 1 s: the
 * handshakes took ~3.2 s after ICE (issue 13). As server the browser sends only
 * its ~750-byte flight and a Finished, and mediasoup starts as soon as the first
 * ICE check reaches it, half a round trip before the browser would have.
 * Not on a good link: as DTLS server Chromium picks AES_CM_128_HMAC_SHA1_80 from
 * mediasoup's list, where as client it gets the AEAD AES-GCM profile mediasoup
 * prefers (issue 12; e2e/srtpSuite.test.ts).
 */
export const SFU_DTLS_ROLE = 'client' as const;

/**
 * The receive transport answers the SFU's offer: mediasoup-client's offer says
 * `a=setup:actpass` whatever role it forces, and Chromium's answer takes
 * `active` (client), so the answer is made `passive` here (JSEP allows either).
 * The send transport needs nothing: there the SFU's answer says `active`.
 */
function answerAsDtlsServer(pc: RTCPeerConnection): void {
  const createAnswer = pc.createAnswer.bind(pc) as () => Promise<RTCSessionDescriptionInit>;
  pc.createAnswer = (async () => {
    const answer = await createAnswer();
    return { type: answer.type, sdp: answer.sdp?.replace(/a=setup:active/g, 'a=setup:passive') };
  }) as typeof pc.createAnswer;
}

/** A send or receive transport wired to signaling (connect, produce) and to ICE restart on failure. */
export function createTransport(
  device: Device,
  direction: 'send' | 'recv',
  t: JoinResponse['sendTransport'],
  signaling: SignalingClient,
  onFailed: (t: Transport) => void,
  onConnectFailed: () => void,
  /** Which paths to try first (icePath.ts): direct and relay together, relay-only, or no TURN at all. */
  ice: { iceServers: RTCIceServer[]; iceTransportPolicy: RTCIceTransportPolicy },
  /** The browser as DTLS server (a weak link: its small flight instead of its large hello). */
  dtlsServer: boolean,
): Transport {
  const dtls = t.dtlsParameters as unknown as DtlsParameters;
  const params = {
    id: t.id,
    iceParameters: t.iceParameters as unknown as IceParameters,
    iceCandidates: t.iceCandidates as unknown as IceCandidate[],
    dtlsParameters: dtlsServer ? { ...dtls, role: SFU_DTLS_ROLE } : dtls,
    ...ice,
  };
  const transport =
    direction === 'send' ? device.createSendTransport(params) : device.createRecvTransport(params);
  // ICE starts without waiting for the server's answer: one round trip less (840 ms on EDGE).
  // socket.io keeps order, so the server has our DTLS parameters long before our DTLS hello
  // (which needs an ICE round trip first).
  transport.on('connect', ({ dtlsParameters }, ok) => {
    markJoin(`${direction} connect`);
    signaling
      .request('media:connectTransport', {
        transportId: transport.id,
        dtlsParameters: dtlsParameters as unknown as Record<string, unknown>,
      })
      .catch(onConnectFailed);
    ok();
  });
  transport.on('produce', ({ kind, rtpParameters, appData }, ok, fail) => {
    signaling
      .request('media:produce', {
        transportId: transport.id,
        kind,
        rtpParameters: rtpParameters as unknown as Record<string, unknown>,
        source: appData.source as MediaSource,
      })
      .then(({ producerId }) => ok({ id: producerId }), fail);
  });
  // 'disconnected' often heals by itself within a second or two; 'failed' never does.
  let pending: ReturnType<typeof setTimeout> | undefined;
  transport.on('connectionstatechange', (state) => {
    markJoin(`${direction} ${state}`);
    clearTimeout(pending);
    if (state === 'failed') onFailed(transport);
    else if (state === 'disconnected') {
      pending = setTimeout(() => {
        if (transport.connectionState === 'disconnected') onFailed(transport);
      }, 2_000);
    }
  });
  const pc = (transport.handler as unknown as { _pc?: unknown })._pc;
  if (typeof RTCPeerConnection !== 'undefined' && pc instanceof RTCPeerConnection) {
    if (direction === 'recv' && dtlsServer) answerAsDtlsServer(pc);
    pc.addEventListener('iceconnectionstatechange', () =>
      markJoin(`${direction} ice ${pc.iceConnectionState}`),
    );
  }
  return transport;
}

export interface InboundStat {
  consumerId: string;
  endpointId: string;
  kind: string;
  source: MediaSource;
  /** Paused on our side (the server may pause it too: link plan, last-N). */
  paused: boolean;
  bytesReceived: number;
  packetsReceived: number;
  packetsLost: number;
  framesDecoded: number;
  /** Audio: samples played out, and those made up by concealment (loss the ear hears). */
  totalSamplesReceived: number;
  concealedSamples: number;
  /** Audio: packets carrying Opus in-band FEC received, NACKs sent for this stream. */
  fecPacketsReceived: number;
  nackCount: number;
  /** Audio: seconds the played samples spent in the jitter buffer, and how many were played. */
  jitterBufferDelay: number;
  jitterBufferEmittedCount: number;
}

/** Per consumer, from getStats; mediasoup-client adds a hidden probator receiver, hence the SSRC match. */
export async function inboundStats(
  consumers: { consumer: Consumer; remote: RemoteTrack }[],
): Promise<InboundStat[]> {
  const out: InboundStat[] = [];
  for (const { consumer, remote } of consumers) {
    const ssrc = consumer.rtpParameters.encodings?.[0]?.ssrc;
    const stat = {
      ...{ bytesReceived: 0, packetsReceived: 0, packetsLost: 0, framesDecoded: 0 },
      ...{ totalSamplesReceived: 0, concealedSamples: 0, fecPacketsReceived: 0, nackCount: 0 },
      ...{ jitterBufferDelay: 0, jitterBufferEmittedCount: 0 },
    };
    const report = await consumer.getStats().catch(() => new Map<string, unknown>());
    report.forEach((v) => {
      const s = v as Record<string, unknown>;
      if (s.type !== 'inbound-rtp' || s.ssrc !== ssrc) return;
      for (const k of Object.keys(stat) as (keyof typeof stat)[]) stat[k] = Number(s[k] ?? 0);
    });
    const { consumerId, endpointId, kind, source } = remote;
    out.push({ consumerId, endpointId, kind, source, paused: consumer.paused, ...stat });
  }
  return out;
}
