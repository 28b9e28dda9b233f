import { randomBytes } from 'node:crypto';
import type { NameAddr, SipRequest, SipResponse, SipStack } from 'sip';
import digest from 'sip/digest';

/** How an outgoing INVITE ended before any media: answered, or why not. */
export type InviteOutcome =
  | { kind: 'answered'; response: SipResponse; request: SipRequest }
  | { kind: 'noAnswer' | 'busy' | 'failed' | 'cancelled'; status: number };

export interface InviteOptions {
  stack: SipStack;
  /** Request-URI: the number at the trunk (`sip:0912345678@trunk`). */
  uri: string;
  from: NameAddr;
  contact: string;
  sdp: string;
  /** Every request goes through it (a `Route` with `lr`). */
  outboundProxy?: string;
  credentials?: { user: string; password: string };
  /** No answer within this: CANCEL. */
  timeoutMs: number;
  /** 180/183: the callee's phone rings (early media is not played: the prompt waits for the answer). */
  onRinging?: () => void;
  /** Aborted while ringing (no longer needed): CANCEL, outcome `cancelled`. */
  signal?: AbortSignal;
}

const tag = () => randomBytes(6).toString('hex');

/**
 * One outgoing INVITE (RFC 3261 user agent client on the `sip` package's
 * transactions): digest authentication once on 401/407, ringing, a CANCEL
 * after `timeoutMs` without an answer, ACK of the 2xx. 486/600/603 are
 * busy or declined, 408/480/487 no answer, anything else a failure.
 */
export function sendInvite(o: InviteOptions): Promise<InviteOutcome> {
  const callId = randomBytes(10).toString('hex');
  const from = { ...o.from, params: { ...o.from.params, tag: tag() } };
  const auth: Record<string, unknown> = {};
  let seq = 1;
  const build = (): SipRequest => ({
    method: 'INVITE',
    uri: o.uri,
    headers: {
      to: { uri: o.uri, params: {} },
      from,
      'call-id': callId,
      cseq: { method: 'INVITE', seq: seq++ },
      contact: [{ uri: o.contact, params: {} }],
      'content-type': 'application/sdp',
      ...(o.outboundProxy ? { route: [{ uri: `${o.outboundProxy};lr`, params: {} }] } : {}),
      via: [],
    },
    content: o.sdp,
  });

  return new Promise((resolve) => {
    let current = build();
    let provisional = false;
    let cancelled = false;
    let done = false;
    let authed = false;
    const finish = (out: InviteOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(out);
    };
    let aborted = false;
    const giveUp = () => {
      if (cancelled || done) return;
      cancelled = true;
      // A CANCEL only once the callee has answered provisionally; else the transaction times out.
      if (provisional) o.stack.send(cancelOf(current), () => undefined);
      else finish({ kind: aborted ? 'cancelled' : 'noAnswer', status: 408 });
    };
    const timer = setTimeout(giveUp, o.timeoutMs);
    o.signal?.addEventListener('abort', () => {
      aborted = true;
      giveUp();
    });

    const onResponse = (rq: SipRequest) => (rs: SipResponse) => {
      if (rs.status < 200) {
        if (rs.status > 100) {
          provisional = true;
          if (cancelled) o.stack.send(cancelOf(rq), () => undefined);
          else if (rs.status === 180 || rs.status === 183) o.onRinging?.();
        }
        return;
      }
      if (rs.status < 300) {
        o.stack.send(ackOf(rq, rs), () => undefined);
        if (cancelled || done) {
          // Answered as the CANCEL crossed it: end the call at once.
          o.stack.send(byeOf(rq, rs), () => undefined);
          finish({ kind: aborted ? 'cancelled' : 'noAnswer', status: 487 });
          return;
        }
        finish({ kind: 'answered', response: rs, request: rq });
        return;
      }
      if ((rs.status === 401 || rs.status === 407) && o.credentials && !authed && !cancelled) {
        authed = true;
        current = build();
        digest.signRequest(auth, current, rs, o.credentials);
        o.stack.send(current, onResponse(current));
        return;
      }
      const s = rs.status;
      if (aborted) finish({ kind: 'cancelled', status: s });
      else if (s === 486 || s === 600 || s === 603) finish({ kind: 'busy', status: s });
      else if (s === 408 || s === 480 || s === 487) finish({ kind: 'noAnswer', status: s });
      else finish({ kind: 'failed', status: s });
    };
    o.stack.send(current, onResponse(current));
  });
}

/** CANCEL of a pending INVITE: its Via (branch), Call-ID, From, To and CSeq number. */
function cancelOf(rq: SipRequest): SipRequest {
  return {
    method: 'CANCEL',
    uri: rq.uri,
    headers: {
      via: rq.headers.via ? [rq.headers.via[0]!] : [],
      to: rq.headers.to,
      from: rq.headers.from,
      'call-id': rq.headers['call-id'],
      cseq: { method: 'CANCEL', seq: rq.headers.cseq.seq },
      ...(rq.headers.route ? { route: rq.headers.route } : {}),
    },
  };
}

/** A request in the dialog a 2xx opened, to the callee's Contact. */
function inDialog(rq: SipRequest, rs: SipResponse, method: 'ACK' | 'BYE', seq: number): SipRequest {
  return {
    method,
    uri: rs.headers.contact?.[0]?.uri ?? rq.uri,
    headers: {
      to: rs.headers.to,
      from: rq.headers.from,
      'call-id': rq.headers['call-id'],
      cseq: { method, seq },
      via: [],
    },
  };
}

/** The ACK of a 2xx: a request of its own, with the INVITE's CSeq number and route. */
function ackOf(rq: SipRequest, rs: SipResponse): SipRequest {
  const ack = inDialog(rq, rs, 'ACK', rq.headers.cseq.seq);
  if (rq.headers.route) ack.headers.route = rq.headers.route;
  return ack;
}

function byeOf(rq: SipRequest, rs: SipResponse): SipRequest {
  return inDialog(rq, rs, 'BYE', rq.headers.cseq.seq + 1);
}
