import type { Logger } from '@giaoban/common/logger';
import { PhoneCall, type CallEnd, type PinResult } from '../call/phoneCall';
import { sendInvite } from '../sip/outboundInvite';
import type { PhoneServer } from '../sip/phoneServer';
import { buildAnswer, parseOffer } from '../sip/sdp';

/** How one number's call ended: the callee joined, or why not. */
export type PlaceOutcome = 'joined' | 'noAnswer' | 'busy' | 'failed' | 'cancelled';

/** RFC 4733 payload type offered (the callee's answer may pick another: its own is used). */
const DTMF_PT = 101;

/**
 * Calls one number (dial-out): INVITE with PCMA and telephone-events through
 * the PhoneServer's SIP stack; once answered the callee hears `prompt` and
 * presses 1 (RFC 4733), then `join` puts it in the meeting as its unit.
 * Resolves when it joined or the call is over.
 */
export async function placeCall(o: {
  server: PhoneServer;
  uri: string;
  /** For the logs only: the number masked. */
  masked: string;
  user: string | undefined;
  password: string | undefined;
  outboundProxy: string | undefined;
  timeoutMs: number;
  prompt: Buffer;
  repeats: number;
  log: Logger;
  onRinging(): void;
  onAnswered(): void;
  /** Aborted: the call is no longer needed (ringing: CANCEL; answered, 1 not pressed: goodbye and BYE). */
  signal?: AbortSignal;
  join(callId: string): Promise<PinResult | null>;
}): Promise<PlaceOutcome> {
  const stack = o.server.stack;
  if (!stack) return 'failed';
  const so = o.server.options;
  const rtp = await PhoneCall.openRtp(so.rtpIp);
  const sessionId = Math.floor(Date.now() / 1000);
  const user = o.user ?? 'giaoban';
  let out;
  try {
    out = await sendInvite({
      stack,
      uri: o.uri,
      from: { uri: `sip:${user}@${so.publicIp}`, params: {} },
      contact: `sip:${user}@${so.publicIp}:${so.port}`,
      sdp: buildAnswer({ ip: so.publicIp, port: rtp.address().port, dtmf: DTMF_PT, sessionId }),
      outboundProxy: o.outboundProxy,
      credentials: o.user && o.password ? { user: o.user, password: o.password } : undefined,
      timeoutMs: o.timeoutMs,
      onRinging: o.onRinging,
      signal: o.signal,
    });
  } catch (err) {
    rtp.close();
    throw err;
  }
  if (out.kind !== 'answered') {
    rtp.close();
    o.log.info(
      { number: o.masked, status: out.status, outcome: out.kind },
      'dial-out not answered',
    );
    return out.kind;
  }
  const { request: rq, response: rs } = out;
  const answer = parseOffer(rs.content ?? '');
  const callId = rq.headers['call-id'];
  if (!answer || answer.pcma === null) {
    rtp.close();
    o.log.warn({ callId }, 'dial-out answered without PCMA');
    return 'failed';
  }
  const call = new PhoneCall({
    callId,
    rtp,
    offer: { ...answer, dtmf: answer.dtmf ?? DTMF_PT },
    prompts: so.prompts,
    log: o.log,
    tries: 1,
    pinTimeoutMs: so.pinTimeoutMs,
    checkPin: () => Promise.resolve(null),
    menu: { prompt: o.prompt, repeats: o.repeats, join: () => o.join(callId) },
  });
  o.onAnswered();
  return new Promise<PlaceOutcome>((resolve) => {
    const localTag = String(rq.headers.from.params.tag ?? '');
    o.server.adopt(
      {
        call,
        local: rq.headers.from,
        remote: rs.headers.to,
        localTag,
        remoteTarget: rs.headers.contact?.[0]?.uri ?? rq.uri,
        cseq: rq.headers.cseq.seq,
        byeSent: false,
      },
      (reason: CallEnd) => {
        o.log.info({ callId, reason }, 'dial-out call ended');
        // Ended before joining: no longer needed, not answered in effect (no key, hung up) or failed.
        resolve(reason === 'notNeeded' ? 'cancelled' : reason === 'failed' ? 'failed' : 'noAnswer');
      },
    );
    call.once('joined', () => resolve('joined'));
    const release = () => {
      if (call.release())
        o.log.info({ callId }, 'dial-out answered but no longer needed: released');
    };
    if (o.signal?.aborted) release();
    else o.signal?.addEventListener('abort', release, { once: true });
    o.log.info({ callId, number: o.masked }, 'dial-out answered');
    call.start();
  });
}
