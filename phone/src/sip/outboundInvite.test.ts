import { createSocket } from 'node:dgram';
import sip, { type SipRequest, type SipStack } from 'sip';
import digest from 'sip/digest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendInvite } from './outboundInvite';

/** The trunk on 127.0.0.2: the `sip` package takes a request to its own host for one of its flows. */
const TRUNK = '127.0.0.2';

async function freePort(ip = '127.0.0.1'): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, ip, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The dial-out INVITE against a SIP trunk the test starts: a real user agent
 * server over UDP (the `sip` package) that asks for digest credentials and
 * then answers by the number called — 0900000001 answers, 0900000002 is busy,
 * 0900000003 rings for ever (the caller must CANCEL).
 */
describe('outgoing INVITE (digest, busy, ring timeout) against a SIP trunk', () => {
  let trunk: SipStack;
  let caller: SipStack;
  let trunkPort: number;
  let callerPort: number;
  const seen: string[] = [];
  const creds = { user: 'giaoban', password: 'trunk-secret' };

  beforeAll(async () => {
    trunkPort = await freePort(TRUNK);
    callerPort = await freePort();
    const realm = { realm: 'trunk.test' };
    const pending = new Map<string, SipRequest>();
    const challenges = new Map<string, Record<string, unknown>>();
    trunk = sip.create({ port: trunkPort, address: TRUNK, tcp: false }, (rq) => {
      seen.push(rq.method);
      if (rq.method === 'CANCEL') {
        trunk.send(sip.makeResponse(rq, 200, 'OK'));
        const inv = pending.get(rq.headers['call-id']);
        if (inv) trunk.send(sip.makeResponse(inv, 487, 'Request Terminated'));
        return;
      }
      if (rq.method !== 'INVITE') return;
      // The challenge's context (nonce) per call, as a registrar or trunk keeps it.
      const ctx = challenges.get(rq.headers['call-id']);
      if (!ctx || !digest.authenticateRequest(ctx, rq, creds)) {
        const fresh: Record<string, unknown> = { ...realm };
        challenges.set(rq.headers['call-id'], fresh);
        trunk.send(digest.challenge(fresh, sip.makeResponse(rq, 401, 'Unauthorized')));
        return;
      }
      const user = sip.parseUri(rq.uri).user;
      trunk.send(sip.makeResponse(rq, 180, 'Ringing'));
      if (user === '0900000002') trunk.send(sip.makeResponse(rq, 486, 'Busy Here'));
      else if (user === '0900000003') pending.set(rq.headers['call-id'], rq);
      else {
        const ok = sip.makeResponse(rq, 200, 'OK');
        ok.headers.to.params.tag = 'trunk';
        ok.headers.contact = [{ uri: `sip:${user}@${TRUNK}:${trunkPort}`, params: {} }];
        ok.content = 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40000 RTP/AVP 8 101\r\n';
        trunk.send(ok);
      }
    });
    caller = sip.create({ port: callerPort, address: '127.0.0.1', tcp: false }, () => undefined);
  });
  afterAll(() => {
    trunk?.destroy();
    caller?.destroy();
  });

  const invite = (
    number: string,
    o: { credentials?: typeof creds; timeoutMs?: number; signal?: AbortSignal } = {},
  ) => {
    let rang = false;
    const p = sendInvite({
      stack: caller,
      uri: `sip:${number}@${TRUNK}:${trunkPort}`,
      from: { uri: 'sip:giaoban@127.0.0.1', params: {} },
      contact: `sip:giaoban@127.0.0.1:${callerPort}`,
      sdp: 'v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 40002 RTP/AVP 8 101\r\n',
      credentials: 'credentials' in o ? o.credentials : creds,
      timeoutMs: o.timeoutMs ?? 5_000,
      onRinging: () => (rang = true),
      signal: o.signal,
    });
    return p.then((out) => ({ out, rang }));
  };

  it('authenticates on 401, rings, is answered and ACKs', async () => {
    const { out, rang } = await invite('0900000001');
    expect(out.kind).toBe('answered');
    expect(rang).toBe(true);
    await expect.poll(() => seen.includes('ACK')).toBe(true);
  });

  it('without credentials the 401 is a failure', async () => {
    const { out } = await invite('0900000001', { credentials: undefined });
    expect(out).toMatchObject({ kind: 'failed', status: 401 });
  });

  it('486 is busy', async () => {
    const { out } = await invite('0900000002');
    expect(out).toMatchObject({ kind: 'busy', status: 486 });
  });

  it('no answer within the time: CANCEL, then "noAnswer"', async () => {
    const t0 = Date.now();
    const { out, rang } = await invite('0900000003', { timeoutMs: 1_500 });
    expect(rang).toBe(true);
    expect(out).toMatchObject({ kind: 'noAnswer', status: 487 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1_400);
    expect(seen).toContain('CANCEL');
  });

  it('no longer needed while ringing (aborted): CANCEL, then "cancelled"', async () => {
    const before = seen.filter((m) => m === 'CANCEL').length;
    const stop = new AbortController();
    setTimeout(() => stop.abort(), 300);
    const t0 = Date.now();
    const { out } = await invite('0900000003', { timeoutMs: 10_000, signal: stop.signal });
    expect(out).toMatchObject({ kind: 'cancelled', status: 487 });
    expect(Date.now() - t0).toBeLessThan(5_000);
    expect(seen.filter((m) => m === 'CANCEL').length).toBe(before + 1);
  });
});
