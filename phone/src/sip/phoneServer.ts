import { randomBytes } from 'node:crypto';
import sip, { type NameAddr, type SipRequest, type SipStack } from 'sip';
import type { Logger } from '@giaoban/common/logger';
import { maskPhone } from '@giaoban/scheduler/phone/unitPhones';
import type { Prompts } from '../media/prompts';
import { PhoneCall, type CallEnd, type PinResult } from '../call/phoneCall';
import { buildAnswer, parseOffer } from './sdp';

export interface PhoneServerOptions {
  listenIp: string;
  port: number;
  publicIp: string;
  /** Where the callers' RTP sockets bind (the listen IP, or any). */
  rtpIp: string;
  prompts: Prompts;
  tries: number;
  pinTimeoutMs: number;
  maxCalls: number;
  log: Logger;
  /** A PIN → the caller in its meeting (null: wrong PIN). */
  join(pin: string, callId: string): Promise<PinResult | null>;
}

/** One call's SIP dialog, whichever side placed it. */
export interface Dialog {
  call: PhoneCall;
  /** Our side (From of the requests we send, with our tag) and theirs (To, with their tag). */
  local: NameAddr;
  remote: NameAddr;
  localTag: string;
  /** Where in-dialog requests go: the caller's Contact. */
  remoteTarget: string;
  cseq: number;
  byeSent: boolean;
}

const tag = () => randomBytes(6).toString('hex');

/**
 * The SIP side of the phone role: a user agent server on UDP (the `sip`
 * package: parser, transactions, transport) that answers INVITEs with PCMA and
 * telephone-events, runs one PhoneCall per dialog and a single 20 ms clock for
 * all of them, and ends dialogs with BYE.
 */
export class PhoneServer {
  readonly #o: PhoneServerOptions;
  readonly #dialogs = new Map<string, Dialog>();
  #stack: SipStack | null = null;
  #clock: NodeJS.Timeout | undefined;
  /** Ended calls and why (tests, bench). */
  readonly ended: { callId: string; reason: CallEnd; call: PhoneCall }[] = [];
  onCall: ((call: PhoneCall) => void) | undefined;

  constructor(o: PhoneServerOptions) {
    this.#o = o;
  }

  get options(): Readonly<PhoneServerOptions> {
    return this.#o;
  }

  /** The SIP stack (dial-out sends its INVITEs through it). */
  get stack(): SipStack | null {
    return this.#stack;
  }

  /**
   * A call this side placed (dial-out) joins the dialogs: the callee's BYE,
   * re-INVITEs and the 20 ms clock reach it; `ended` sends our BYE.
   */
  adopt(d: Dialog, onEnded: (reason: CallEnd) => void): void {
    const callId = d.call.callId;
    this.#dialogs.set(callId, d);
    d.call.once('ended', (reason) => {
      this.#sendBye(d);
      this.#dialogs.delete(callId);
      this.ended.push({ callId, reason, call: d.call });
      onEnded(reason);
    });
  }

  get calls(): PhoneCall[] {
    return [...this.#dialogs.values()].map((d) => d.call);
  }

  start(): SipStack {
    this.#stack = sip.create(
      {
        port: this.#o.port,
        address: this.#o.listenIp,
        publicAddress: this.#o.publicIp,
        tcp: false,
        // The package's errors may quote a request URI (`sip:<number>@trunk`): numbers masked.
        logger: {
          error: (e: unknown) =>
            this.#o.log.warn({ error: String(e).replace(/\+?\d{7,}/g, maskPhone) }, 'sip error'),
        },
      },
      (rq) => this.#onRequest(rq),
    );
    // One clock for every call, corrected for drift: each call gets a frame per 20 ms on average.
    let next = performance.now() + 20;
    const loop = () => {
      const now = performance.now();
      while (next <= now) {
        for (const d of this.#dialogs.values()) d.call.tick();
        next += 20;
        if (now - next > 200) next = now + 20; // a stall: do not burst to catch up
      }
      this.#clock = setTimeout(loop, Math.max(1, next - performance.now()));
    };
    this.#clock = setTimeout(loop, 20);
    return this.#stack;
  }

  /** Hangs up every call (BYE), then closes SIP once the BYEs are out. */
  async stop(): Promise<void> {
    clearTimeout(this.#clock);
    const hadCalls = this.#dialogs.size > 0;
    for (const d of [...this.#dialogs.values()]) this.hangUp(d.call.callId, 'failed');
    if (hadCalls) await new Promise((r) => setTimeout(r, 300));
    this.#stack?.destroy();
    this.#stack = null;
  }

  /** Ends a call from this side: BYE to the caller. */
  hangUp(callId: string, reason: CallEnd): void {
    const d = this.#dialogs.get(callId);
    if (!d) return;
    this.#sendBye(d);
    d.call.end(reason);
  }

  #onRequest(rq: SipRequest): void {
    const stack = this.#stack;
    if (!stack) return;
    const callId = rq.headers['call-id'];
    const d = this.#dialogs.get(callId);
    this.#o.log.debug({ method: rq.method, callId }, 'sip request');
    switch (rq.method) {
      case 'INVITE':
        if (d) {
          // A re-INVITE (session refresh, hold): the same answer.
          stack.send(this.#ok(rq, d.localTag, d.call));
          return;
        }
        void this.#answer(rq);
        return;
      case 'ACK':
        return;
      case 'BYE':
        stack.send(sip.makeResponse(rq, d ? 200 : 481, d ? 'OK' : 'Call Does Not Exist'));
        if (d) {
          d.byeSent = true;
          d.call.end('callerHungUp');
        }
        return;
      case 'CANCEL':
        stack.send(sip.makeResponse(rq, 200, 'OK'));
        if (d) {
          d.byeSent = true;
          d.call.end('callerHungUp');
        }
        return;
      case 'OPTIONS':
        stack.send(sip.makeResponse(rq, 200, 'OK'));
        return;
      default:
        stack.send(sip.makeResponse(rq, 405, 'Method Not Allowed'));
    }
  }

  async #answer(rq: SipRequest): Promise<void> {
    const stack = this.#stack!;
    const callId = rq.headers['call-id'];
    if (this.#dialogs.size >= this.#o.maxCalls) {
      stack.send(sip.makeResponse(rq, 486, 'Busy Here'));
      return;
    }
    const offer = parseOffer(rq.content ?? '');
    if (!offer || offer.pcma === null) {
      stack.send(sip.makeResponse(rq, 488, 'Not Acceptable Here'));
      return;
    }
    const rtp = await PhoneCall.openRtp(this.#o.rtpIp);
    const call = new PhoneCall({
      callId,
      rtp,
      offer,
      prompts: this.#o.prompts,
      log: this.#o.log,
      tries: this.#o.tries,
      pinTimeoutMs: this.#o.pinTimeoutMs,
      checkPin: (pin) => this.#o.join(pin, callId),
    });
    const localTag = tag();
    const d: Dialog = {
      call,
      local: { ...rq.headers.to, params: { ...rq.headers.to.params, tag: localTag } },
      remote: rq.headers.from,
      localTag,
      remoteTarget: rq.headers.contact?.[0]?.uri ?? rq.headers.from.uri,
      cseq: 1,
      byeSent: false,
    };
    this.#dialogs.set(callId, d);
    call.once('ended', (reason) => {
      this.#sendBye(d);
      this.#dialogs.delete(callId);
      this.ended.push({ callId, reason, call });
      this.#o.log.info(
        {
          callId,
          reason,
          unitId: call.unitId,
          seconds: Math.round((Date.now() - call.times.answered) / 1000),
        },
        'phone call ended',
      );
    });
    stack.send(this.#ok(rq, d.localTag, call));
    this.#o.log.info({ callId }, 'phone call answered');
    call.start();
    this.onCall?.(call);
  }

  #ok(rq: SipRequest, localTag: string, call: PhoneCall) {
    const rs = sip.makeResponse(rq, 200, 'OK');
    rs.headers.to = { ...rs.headers.to, params: { ...rs.headers.to.params, tag: localTag } };
    rs.headers.contact = [{ uri: `sip:giaoban@${this.#o.publicIp}:${this.#o.port}`, params: {} }];
    rs.headers['content-type'] = 'application/sdp';
    const offer = parseOffer(rq.content ?? '');
    rs.content = buildAnswer({
      ip: this.#o.publicIp,
      port: call.rtp.address().port,
      dtmf: offer?.dtmf ?? null,
      sessionId: Math.floor(call.times.answered / 1000),
    });
    return rs;
  }

  #sendBye(d: Dialog): void {
    if (d.byeSent || !this.#stack) return;
    d.byeSent = true;
    this.#stack.send(
      {
        method: 'BYE',
        uri: d.remoteTarget,
        headers: {
          to: d.remote,
          from: d.local,
          'call-id': d.call.callId,
          cseq: { method: 'BYE', seq: ++d.cseq },
          via: [],
        },
      },
      () => undefined,
    );
  }
}
