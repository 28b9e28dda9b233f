import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { EventEmitter } from 'node:events';
import type { Logger } from '@giaoban/common/logger';
import { alawDecode, alawEncode } from '../media/g711';
import { DtmfReceiver } from '../media/dtmf';
import { parseRtp, RtpSender } from '../media/rtp';
import type { PromptName, Prompts } from '../media/prompts';
import type { AudioOffer } from '../sip/sdp';
import { FRAME, type MeetingBridge } from './meetingBridge';

export type CallState = 'pin' | 'joining' | 'inMeeting' | 'ended';
export type CallEnd =
  | 'callerHungUp'
  | 'wrongPin'
  | 'pinTimeout'
  | 'removed'
  | 'meetingEnded'
  | 'failed'
  /** Dial-out: the callee answered but did not press 1. */
  | 'noKey'
  /** Dial-out: answered, then no longer needed before 1 was pressed (acknowledged in the app). */
  | 'notNeeded';

/** Dial-out: the callee hears `prompt`, presses 1 and `join`s as the called unit. */
export interface DialOutMenu {
  prompt: Buffer;
  /** Times the prompt is played (with a pause after each) before the call ends. */
  repeats: number;
  join(): Promise<PinResult | null>;
}

export interface PinResult {
  bridge: MeetingBridge;
  unitId: string;
}

/**
 * One caller: its RTP (PCMA, telephone-events) on one UDP socket, the PIN
 * dialogue (prompts, DTMF, tries), then the meeting through a MeetingBridge.
 * `tick()` is called every 20 ms by the PhoneServer: it sends the caller the
 * next frame of a prompt or of the meeting's mix.
 */
export class PhoneCall extends EventEmitter<{ ended: [CallEnd]; joined: [] }> {
  readonly callId: string;
  readonly rtp: UdpSocket;
  state: CallState = 'pin';
  unitId: string | null = null;
  bridge: MeetingBridge | null = null;
  /** When the right PIN was typed, and when the meeting was first heard (set-up figures). */
  readonly times: { answered: number; pinAt?: number; joinedAt?: number; heardAt?: number } = {
    answered: Date.now(),
  };
  readonly #remote: { ip: string; port: number };
  readonly #offer: AudioOffer;
  readonly #down = new RtpSender(8);
  readonly #dtmf = new DtmfReceiver();
  readonly #prompts: Prompts;
  readonly #log: Logger;
  readonly #checkPin: (pin: string) => Promise<PinResult | null>;
  readonly #tries: number;
  readonly #pinTimeoutMs: number;
  #prompt: { data: Buffer; at: number; then?: () => void } | null = null;
  #digits = '';
  #wrong = 0;
  #pinTimer: NodeJS.Timeout | undefined;
  /** The caller's samples not yet a full frame. */
  #pending: Int16Array = new Int16Array(0);
  readonly #menu: DialOutMenu | undefined;
  #played = 0;
  /** Dial-out released: the goodbye plays, keys no longer count. */
  #released = false;

  constructor(o: {
    callId: string;
    rtp: UdpSocket;
    offer: AudioOffer;
    prompts: Prompts;
    log: Logger;
    tries: number;
    pinTimeoutMs: number;
    checkPin: (pin: string) => Promise<PinResult | null>;
    /** A dial-out call: the "press 1" menu instead of the PIN dialogue. */
    menu?: DialOutMenu;
  }) {
    super();
    this.callId = o.callId;
    this.rtp = o.rtp;
    this.#offer = o.offer;
    this.#remote = { ip: o.offer.ip, port: o.offer.port };
    this.#prompts = o.prompts;
    this.#log = o.log;
    this.#checkPin = o.checkPin;
    this.#tries = o.tries;
    this.#pinTimeoutMs = o.pinTimeoutMs;
    this.#menu = o.menu;
    this.rtp.on('message', (b, rinfo) => this.#onRtp(b, rinfo.address, rinfo.port));
  }

  static async openRtp(ip: string): Promise<UdpSocket> {
    const s = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.bind(0, ip, () => resolve());
    });
    return s;
  }

  start(): void {
    if (this.#menu) this.#playMenu();
    else this.#play('welcome', () => this.#armPinTimer());
  }

  /** Dial-out: the prompt, a pause for the key, again; after the last one the call ends. */
  #playMenu(): void {
    const menu = this.#menu!;
    if (this.#played >= menu.repeats) {
      this.end('noKey');
      return;
    }
    this.#played++;
    this.#play(menu.prompt, () => {
      clearTimeout(this.#pinTimer);
      this.#pinTimer = setTimeout(() => this.state === 'pin' && this.#playMenu(), 4_000);
    });
  }

  /** Every 20 ms: a prompt frame, else the meeting's mix, else nothing (the caller's side keeps its own comfort). */
  tick(): void {
    if (this.state === 'ended') return;
    let frame: Buffer | null = null;
    let after: (() => void) | undefined;
    if (this.#prompt) {
      const p = this.#prompt;
      frame = p.data.subarray(p.at, p.at + FRAME);
      p.at += FRAME;
      if (p.at >= p.data.length) {
        this.#prompt = null;
        after = p.then;
      }
      if (frame.length < FRAME)
        frame = Buffer.concat([frame, Buffer.alloc(FRAME - frame.length, 0xd5)]);
    } else if (this.bridge && this.state === 'inMeeting') {
      const mix = this.bridge.mixFrame();
      if (mix) {
        this.times.heardAt ??= Date.now();
        frame = alawEncode(mix);
      }
    }
    // Silence (A-law 0xD5) keeps the stream and its timestamps going.
    frame ??= Buffer.alloc(FRAME, 0xd5);
    this.rtp.send(this.#down.next(frame, FRAME), this.#remote.port, this.#remote.ip);
    after?.();
  }

  /** Ends the call (idempotent); the PhoneServer sends BYE unless the caller hung up. */
  end(reason: CallEnd): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    clearTimeout(this.#pinTimer);
    this.bridge?.close();
    this.rtp.close();
    this.emit('ended', reason);
  }

  /**
   * Dial-out: the call is no longer needed (the unit acknowledged or joined in
   * the app) while the callee has not pressed 1 — a short goodbye, then BYE.
   * False once the callee is joining or in the meeting: that call stays.
   */
  release(): boolean {
    if (!this.#menu || this.state !== 'pin' || this.#released) return false;
    this.#released = true;
    clearTimeout(this.#pinTimer);
    this.endWith('notNeeded', 'notNeeded');
    return true;
  }

  /** Plays a prompt, then ends the call (after it was heard). */
  endWith(prompt: PromptName, reason: CallEnd): void {
    if (this.state === 'ended') return;
    this.bridge?.close();
    this.bridge = null;
    this.state = 'pin';
    this.#play(prompt, () => this.end(reason));
  }

  #play(prompt: PromptName | Buffer, then?: () => void): void {
    const data = typeof prompt === 'string' ? this.#prompts[prompt] : prompt;
    this.#prompt = { data, at: 0, then };
  }

  #armPinTimer(): void {
    clearTimeout(this.#pinTimer);
    this.#pinTimer = setTimeout(() => void this.#submit(), this.#pinTimeoutMs);
  }

  #onRtp(b: Buffer, address: string, port: number): void {
    const p = parseRtp(b);
    if (!p) return;
    // Symmetric RTP: answer where the caller's packets come from (NAT on the way).
    this.#remote.ip = address;
    this.#remote.port = port;
    if (p.payloadType === this.#offer.dtmf) {
      const d = this.#dtmf.digit(p.payload, p.timestamp);
      if (d) this.#onDigit(d);
      return;
    }
    if (p.payloadType !== 8 || this.state !== 'inMeeting' || !this.bridge) return;
    const pcm = alawDecode(p.payload);
    const all = new Int16Array(this.#pending.length + pcm.length);
    all.set(this.#pending);
    all.set(pcm, this.#pending.length);
    let i = 0;
    for (; i + FRAME <= all.length; i += FRAME) this.bridge.sendPcm(all.subarray(i, i + FRAME));
    this.#pending = all.slice(i);
  }

  #onDigit(d: string): void {
    if (this.state !== 'pin' || this.#released) return;
    if (this.#menu) {
      if (d === '1') void this.#join(this.#menu.join);
      return;
    }
    if (d === '#') {
      void this.#submit();
      return;
    }
    if (d === '*') {
      this.#digits = '';
      return;
    }
    this.#digits += d;
    // The prompt stops once the caller types.
    if (this.#prompt && this.#prompt.data === this.#prompts.welcome) this.#prompt = null;
    if (this.#digits.length >= 12) void this.#submit();
  }

  async #submit(): Promise<void> {
    if (this.state !== 'pin') return;
    clearTimeout(this.#pinTimer);
    const pin = this.#digits;
    this.#digits = '';
    this.state = 'joining';
    const pinAt = Date.now();
    let result: PinResult | null = null;
    try {
      result = pin ? await this.#checkPin(pin) : null;
    } catch (err) {
      this.#log.error({ err, callId: this.callId }, 'phone join failed');
      this.endWith('ended', 'failed');
      return;
    }
    if (this.state !== 'joining') {
      result?.bridge.close();
      return;
    }
    if (!result) {
      this.#wrong++;
      this.#log.info({ callId: this.callId, tries: this.#wrong }, 'wrong PIN');
      if (this.#wrong >= this.#tries) {
        this.endWith('goodbye', pin ? 'wrongPin' : 'pinTimeout');
        return;
      }
      this.state = 'pin';
      this.#play('wrongPin', () => this.#armPinTimer());
      return;
    }
    this.times.pinAt = pinAt;
    this.#joined(result);
  }

  #joined(result: PinResult): void {
    this.times.joinedAt = Date.now();
    this.bridge = result.bridge;
    this.unitId = result.unitId;
    // No prompt here: the meeting itself says the caller is in (≤ 3 s after the PIN, issue 17).
    this.state = 'inMeeting';
    this.emit('joined');
  }

  /** Dial-out: 1 pressed — the called unit's session, then the meeting. */
  async #join(join: () => Promise<PinResult | null>): Promise<void> {
    clearTimeout(this.#pinTimer);
    this.#prompt = null;
    this.state = 'joining';
    this.times.pinAt = Date.now();
    let result: PinResult | null = null;
    try {
      result = await join();
    } catch (err) {
      this.#log.error({ err, callId: this.callId }, 'dial-out join failed');
    }
    if (this.state !== 'joining') {
      result?.bridge.close();
      return;
    }
    if (!result) this.endWith('ended', 'failed');
    else this.#joined(result);
  }
}
