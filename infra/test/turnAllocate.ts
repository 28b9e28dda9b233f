import { createHash, createHmac, randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';

/**
 * A TURN Allocate over TLS (RFC 5766 with the long-term credential mechanism of
 * RFC 5389): connect (with SNI, as Chrome does for a `turns:` name), Allocate,
 * answer the 401 with USERNAME/REALM/NONCE/MESSAGE-INTEGRITY, read the relayed
 * address. coturn's own turnutils_uclient hangs now and then in its TLS mode, so
 * the TLS leg is checked with this; the relaying itself with uclient over UDP/TCP.
 * Edge set-ups can point it at HAProxy's 443 with `servername` = the TURN name.
 */
export interface AllocateResult {
  ok: boolean;
  /** The relayed transport address coturn allocated (ok), or the error code (not ok). */
  relayed?: { address: string; port: number };
  errorCode?: number;
}

const COOKIE = 0x2112a442;
const ATTR = {
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  REALM: 0x0014,
  NONCE: 0x0015,
  XOR_RELAYED_ADDRESS: 0x0016,
  REQUESTED_TRANSPORT: 0x0019,
};

function attr(type: number, value: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  const pad = Buffer.alloc((4 - (value.length % 4)) % 4);
  return Buffer.concat([head, value, pad]);
}

function allocateRequest(attrs: Buffer[], key?: Buffer): Buffer {
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(0x0003, 0); // Allocate request
  head.writeUInt32BE(COOKIE, 4);
  randomBytes(12).copy(head, 8);
  if (!key) {
    head.writeUInt16BE(body.length, 2);
    return Buffer.concat([head, body]);
  }
  // MESSAGE-INTEGRITY covers the message with the length already counting itself (24 bytes).
  head.writeUInt16BE(body.length + 24, 2);
  const mac = createHmac('sha1', key)
    .update(Buffer.concat([head, body]))
    .digest();
  return Buffer.concat([head, body, attr(ATTR.MESSAGE_INTEGRITY, mac)]);
}

function parse(msg: Buffer): { type: number; attrs: Map<number, Buffer> } {
  const attrs = new Map<number, Buffer>();
  const end = 20 + msg.readUInt16BE(2);
  for (let at = 20; at + 4 <= end;) {
    const type = msg.readUInt16BE(at);
    const len = msg.readUInt16BE(at + 2);
    attrs.set(type, msg.subarray(at + 4, at + 4 + len));
    at += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { type: msg.readUInt16BE(0), attrs };
}

export async function turnTlsAllocate(o: {
  host: string;
  port: number;
  username: string;
  password: string;
  /** CA to trust; `servername`: the SNI (default host). */
  ca?: string;
  servername?: string;
  timeoutMs?: number;
}): Promise<AllocateResult> {
  const socket = tlsConnect({ host: o.host, port: o.port, ca: o.ca, servername: o.servername });
  const messages: Buffer[] = [];
  let waiting: ((m: Buffer) => void) | undefined;
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    while (buf.length >= 20 && buf.length >= 20 + buf.readUInt16BE(2)) {
      const m = buf.subarray(0, 20 + buf.readUInt16BE(2));
      buf = buf.subarray(m.length);
      if (waiting) waiting(m);
      else messages.push(m);
    }
  });
  const failed = new Promise<never>((_, reject) => {
    socket.once('error', reject);
    setTimeout(() => reject(new Error('TURN over TLS: no answer')), o.timeoutMs ?? 5_000).unref();
  });
  const next = () =>
    Promise.race([
      new Promise<Buffer>((resolve) => {
        const queued = messages.shift();
        if (queued) resolve(queued);
        else
          waiting = (m) => {
            waiting = undefined;
            resolve(m);
          };
      }),
      failed,
    ]);
  try {
    await Promise.race([new Promise((r) => socket.once('secureConnect', r)), failed]);
    const udp = attr(ATTR.REQUESTED_TRANSPORT, Buffer.from([17, 0, 0, 0]));
    socket.write(allocateRequest([udp]));
    const challenge = parse(await next());
    const realm = challenge.attrs.get(ATTR.REALM);
    const nonce = challenge.attrs.get(ATTR.NONCE);
    if (!realm || !nonce) throw new Error('TURN over TLS: no 401 challenge');
    const key = createHash('md5')
      .update(`${o.username}:${realm.toString()}:${o.password}`)
      .digest();
    socket.write(
      allocateRequest(
        [
          udp,
          attr(ATTR.USERNAME, Buffer.from(o.username)),
          attr(ATTR.REALM, realm),
          attr(ATTR.NONCE, nonce),
        ],
        key,
      ),
    );
    const answer = parse(await next());
    if (answer.type === 0x0103) {
      const x = answer.attrs.get(ATTR.XOR_RELAYED_ADDRESS)!;
      const port = x.readUInt16BE(2) ^ (COOKIE >>> 16);
      const ip = (x.readUInt32BE(4) ^ COOKIE) >>> 0;
      const address = [24, 16, 8, 0].map((s) => (ip >>> s) & 255).join('.');
      return { ok: true, relayed: { address, port } };
    }
    const err = answer.attrs.get(ATTR.ERROR_CODE);
    return { ok: false, errorCode: err ? err[2]! * 100 + err[3]! : undefined };
  } finally {
    socket.destroy();
  }
}
