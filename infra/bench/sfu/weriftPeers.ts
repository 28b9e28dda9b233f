import { RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { ConsumerView, JoinResponse } from '@giaoban/signaling/protocol/index';
import type { TestClient } from '@giaoban/signaling/testing/clients';

/**
 * Real WebRTC peers for the join benchmark: werift (pure TypeScript ICE, DTLS,
 * SRTP) against mediasoup's WebRtcTransports, negotiated through GiaoBan's
 * signaling exactly as the browser's media engine does: join, consume, connect
 * the transport with the peer's DTLS fingerprint, resume. SDP is written by hand
 * from the mediasoup parameters (mediasoup-client's job in the browser).
 */
type TransportParams = JoinResponse['recvTransport'];
interface IceCandidate {
  foundation: string;
  priority: number;
  address?: string;
  ip?: string;
  port: number;
  protocol: string;
}
interface Fingerprint {
  algorithm: string;
  value: string;
}

const ok = <T>(ack: { ok: true; data: T } | { ok: false; error: unknown }, what: string): T => {
  if (!ack.ok) throw new Error(`${what}: ${JSON.stringify(ack.error)}`);
  return ack.data;
};

function transportLines(t: TransportParams): { session: string[]; media: string[] } {
  const ice = t.iceParameters as { usernameFragment: string; password: string };
  const fp = (t.dtlsParameters as { fingerprints: Fingerprint[] }).fingerprints.find(
    (f) => f.algorithm === 'sha-256',
  )!;
  const cands = (t.iceCandidates as unknown as IceCandidate[]).filter((c) => c.protocol === 'udp');
  return {
    session: [`a=fingerprint:sha-256 ${fp.value}`],
    media: [
      'c=IN IP4 127.0.0.1',
      `a=ice-ufrag:${ice.usernameFragment}`,
      `a=ice-pwd:${ice.password}`,
      ...cands.map(
        (c) =>
          `a=candidate:${c.foundation} 1 udp ${c.priority} ${c.address ?? c.ip} ${c.port} typ host`,
      ),
      'a=end-of-candidates',
      'a=rtcp-mux',
    ],
  };
}

const header = (mids: string[], fingerprint: string[]) => [
  'v=0',
  'o=mediasoup 1 1 IN IP4 0.0.0.0',
  's=-',
  't=0 0',
  'a=ice-lite',
  `a=group:BUNDLE ${mids.join(' ')}`,
  'a=msid-semantic: WMS *',
  ...fingerprint,
];

function localFingerprint(pc: RTCPeerConnection): Fingerprint[] {
  const m = /a=fingerprint:(\S+) (\S+)/.exec(pc.localDescription?.sdp ?? '');
  if (!m) throw new Error('werift gave no DTLS fingerprint');
  return [{ algorithm: m[1]!, value: m[2]! }];
}

const newPeer = () =>
  new RTCPeerConnection({
    iceServers: [],
    iceUseIpv6: false,
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });

/** The client's receive capabilities: Opus only, no header extensions (keeps the SDP minimal). */
export function opusCapabilities(join: JoinResponse): Record<string, unknown> {
  const codecs = (join.routerRtpCapabilities as { codecs: { mimeType: string }[] }).codecs;
  return { codecs: codecs.filter((c) => c.mimeType === 'audio/opus'), headerExtensions: [] };
}

/** A receiving peer on the endpoint's recv transport; resolves with the first RTP packet. */
export async function receive(
  client: TestClient,
  join: JoinResponse,
  consumers: ConsumerView[],
  onPhase: (name: string) => void,
): Promise<{ pc: RTCPeerConnection; firstRtp: Promise<number> }> {
  const pc = newPeer();
  const t = transportLines(join.recvTransport);
  const mids = consumers.map((c, i) => String((c.rtpParameters as { mid?: string }).mid ?? i));
  const sdp = header(mids, t.session);
  consumers.forEach((c, i) => {
    const rp = c.rtpParameters as {
      codecs: { payloadType: number; clockRate: number; channels?: number }[];
      encodings: { ssrc: number }[];
      rtcp: { cname: string };
    };
    const codec = rp.codecs[0]!;
    const ssrc = rp.encodings[0]!.ssrc;
    sdp.push(
      `m=audio 7 UDP/TLS/RTP/SAVPF ${codec.payloadType}`,
      `a=mid:${mids[i]}`,
      'a=sendonly',
      ...t.media,
      'a=setup:actpass',
      `a=rtpmap:${codec.payloadType} opus/${codec.clockRate}/${codec.channels ?? 2}`,
      `a=ssrc:${ssrc} cname:${rp.rtcp.cname}`,
      `a=ssrc:${ssrc} msid:s${i} t${i}`,
    );
  });
  let resolveFirst!: (t: number) => void;
  const firstRtp = new Promise<number>((r) => (resolveFirst = r));
  pc.onTrack.subscribe((track) => {
    const { unSubscribe } = track.onReceiveRtp.subscribe(() => {
      resolveFirst(performance.now());
      unSubscribe();
    });
  });
  await pc.setRemoteDescription({ type: 'offer', sdp: sdp.join('\r\n') + '\r\n' });
  await pc.setLocalDescription(await pc.createAnswer());
  ok(
    await client.request('media:connectTransport', {
      transportId: join.recvTransport.id,
      dtlsParameters: { role: 'client', fingerprints: localFingerprint(pc) },
    }),
    'connectTransport',
  );
  onPhase('connected');
  return { pc, firstRtp };
}

/** A speaking peer: produces one Opus stream on the send transport and sends a packet every 20 ms. */
export async function speak(
  client: TestClient,
  join: JoinResponse,
): Promise<{ pc: RTCPeerConnection; stop: () => void; producerId: string }> {
  const pc = newPeer();
  const transceiver: RTCRtpTransceiver = pc.addTransceiver('audio', { direction: 'sendonly' });
  await pc.setLocalDescription(await pc.createOffer());
  const local = pc.localDescription!.sdp;
  const mid = /a=mid:(\S+)/.exec(local)?.[1] ?? '0';
  const pt = Number(/a=rtpmap:(\d+) opus\/48000\/2/i.exec(local)?.[1] ?? 111);
  const ssrcM = /a=ssrc:(\d+) cname:(\S+)/.exec(local);
  const ssrc = ssrcM ? Number(ssrcM[1]) : transceiver.sender.ssrc;
  const cname = ssrcM?.[2] ?? 'werift';
  const midExt = /a=extmap:(\d+) urn:ietf:params:rtp-hdrext:sdes:mid/.exec(local)?.[1];
  const t = transportLines(join.sendTransport);
  const answer = [
    ...header([mid], t.session),
    `m=audio 7 UDP/TLS/RTP/SAVPF ${pt}`,
    `a=mid:${mid}`,
    'a=recvonly',
    ...t.media,
    'a=setup:passive',
    `a=rtpmap:${pt} opus/48000/2`,
    ...(midExt ? [`a=extmap:${midExt} urn:ietf:params:rtp-hdrext:sdes:mid`] : []),
  ];
  const produced = ok(
    await client.request('media:produce', {
      transportId: join.sendTransport.id,
      kind: 'audio',
      source: 'mic',
      rtpParameters: {
        mid,
        codecs: [
          {
            mimeType: 'audio/opus',
            payloadType: pt,
            clockRate: 48000,
            channels: 2,
            parameters: {},
            rtcpFeedback: [],
          },
        ],
        headerExtensions: midExt
          ? [{ uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: Number(midExt) }]
          : [],
        encodings: [{ ssrc }],
        rtcp: { cname, reducedSize: true },
      },
    }),
    'produce',
  );
  await pc.setRemoteDescription({ type: 'answer', sdp: answer.join('\r\n') + '\r\n' });
  ok(
    await client.request('media:connectTransport', {
      transportId: join.sendTransport.id,
      dtlsParameters: { role: 'client', fingerprints: localFingerprint(pc) },
    }),
    'connectTransport (send)',
  );
  let seq = 0;
  const payload = Buffer.alloc(80, 0x5a);
  const timer = setInterval(() => {
    const pkt = Buffer.alloc(12 + payload.length);
    pkt[0] = 0x80;
    pkt[1] = pt;
    pkt.writeUInt16BE(seq & 0xffff, 2);
    pkt.writeUInt32BE((seq * 960) >>> 0, 4);
    pkt.writeUInt32BE(ssrc >>> 0, 8);
    payload.copy(pkt, 12);
    seq++;
    void transceiver.sender.sendRtp(pkt);
  }, 20);
  return { pc, stop: () => clearInterval(timer), producerId: produced.producerId };
}
