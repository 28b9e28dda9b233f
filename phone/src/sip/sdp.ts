/** The SDP the phone role understands: one audio stream, PCMA, RFC 4733 telephone-events. */
export interface AudioOffer {
  ip: string;
  port: number;
  /** PCMA's payload type (8) when offered. */
  pcma: number | null;
  /** telephone-event/8000's payload type when offered. */
  dtmf: number | null;
}

export function parseOffer(sdp: string): AudioOffer | null {
  const lines = sdp.split(/\r?\n/);
  let ip = '';
  let port = 0;
  let pts: number[] = [];
  const maps = new Map<number, string>();
  let inAudio = false;
  for (const line of lines) {
    if (line.startsWith('c=IN IP4 ') && (!ip || inAudio)) ip = line.slice(9).trim();
    else if (line.startsWith('m=')) {
      inAudio = line.startsWith('m=audio ');
      if (inAudio) {
        const f = line.split(' ');
        port = Number(f[1]);
        pts = f.slice(3).map(Number);
      }
    } else if (inAudio && line.startsWith('a=rtpmap:')) {
      const m = /^a=rtpmap:(\d+) ([^/]+)\/(\d+)/.exec(line);
      if (m) maps.set(Number(m[1]), `${m[2]!.toLowerCase()}/${m[3]}`);
    }
  }
  if (!ip || !port) return null;
  const find = (name: string, staticPt?: number) =>
    pts.find((p) => maps.get(p) === name) ??
    (staticPt !== undefined && pts.includes(staticPt) && !maps.has(staticPt) ? staticPt : null);
  return { ip, port, pcma: find('pcma/8000', 8), dtmf: find('telephone-event/8000') };
}

export function buildAnswer(o: {
  ip: string;
  port: number;
  dtmf: number | null;
  sessionId: number;
}): string {
  const pts = o.dtmf === null ? '8' : `8 ${o.dtmf}`;
  return [
    'v=0',
    `o=giaoban ${o.sessionId} ${o.sessionId} IN IP4 ${o.ip}`,
    's=GiaoBan',
    `c=IN IP4 ${o.ip}`,
    't=0 0',
    `m=audio ${o.port} RTP/AVP ${pts}`,
    'a=rtpmap:8 PCMA/8000',
    ...(o.dtmf === null
      ? []
      : [`a=rtpmap:${o.dtmf} telephone-event/8000`, `a=fmtp:${o.dtmf} 0-15`]),
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}
