import { randomBytes } from 'node:crypto';
import type { SipResponse, SipStack } from 'sip';
import digest from 'sip/digest';
import type { Logger } from '@giaoban/common/logger';

/**
 * Keeps the role registered with the trunk's registrar (REGISTER with digest
 * authentication, refreshed before it expires). Credentials are never logged.
 */
export function keepRegistered(o: {
  stack: SipStack;
  registrar: string;
  user: string;
  password: string | undefined;
  contactHost: string;
  port: number;
  expires: number;
  outboundProxy?: string;
  log: Logger;
}): () => void {
  const callId = randomBytes(8).toString('hex');
  const fromTag = randomBytes(6).toString('hex');
  const host = o.registrar.replace(/^sips?:/, '');
  const aor = `sip:${o.user}@${host.split(';')[0]}`;
  let cseq = 1;
  const session: Record<string, unknown> = {};
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const request = () => ({
    method: 'REGISTER',
    uri: o.registrar,
    headers: {
      to: { uri: aor, params: {} },
      from: { uri: aor, params: { tag: fromTag } },
      'call-id': callId,
      cseq: { method: 'REGISTER', seq: cseq++ },
      contact: [{ uri: `sip:${o.user}@${o.contactHost}:${o.port}`, params: {} }],
      expires: String(o.expires),
      ...(o.outboundProxy ? { route: [{ uri: `${o.outboundProxy};lr`, params: {} }] } : {}),
      via: [],
    },
  });

  const send = (authed?: SipResponse) => {
    if (stopped) return;
    const rq = request();
    // signRequest adds the Authorization header to `rq` (it returns its context, not the request).
    if (authed && o.password)
      digest.signRequest(session, rq, authed, { user: o.user, password: o.password });
    else if (session.nonce) digest.signRequest(session, rq);
    o.stack.send(rq, (rs) => {
      if (rs.status < 200) return;
      if ((rs.status === 401 || rs.status === 407) && !authed) return send(rs);
      if (rs.status >= 300) {
        o.log.error({ status: rs.status, registrar: o.registrar }, 'SIP registration refused');
        timer = setTimeout(() => send(), 30_000);
        return;
      }
      o.log.info({ registrar: o.registrar, expires: o.expires }, 'SIP registered');
      timer = setTimeout(() => send(), Math.max(30, o.expires * 0.8) * 1000);
    });
  };
  send();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
