import smpp from 'smpp';
import type { Logger } from '@giaoban/common/logger';
import { parseReceipt, type DeliveryReceipt } from './deliveryReceipt';

export interface SmppLinkOptions {
  url: string;
  systemId: string;
  password: string;
  /** enquire_link period; no answer within one period drops the link (then it binds again). */
  enquireLinkMs: number;
  log: Logger;
  onReceipt(receipt: DeliveryReceipt): void;
  /** Longest wait between reconnect attempts (1 s doubling up to this). */
  reconnectMaxMs: number;
  /** Waiting for a bind before a submit gives up (the job retries later). */
  bindWaitMs?: number;
  /** submit_sm without its submit_sm_resp within this fails. */
  responseTimeoutMs?: number;
}

export interface SubmitPart {
  destination: string;
  source: string;
  bytes: Buffer;
  esmClass: number;
}

/** The SMSC refused (command_status) or could not be reached in time. */
export class SmppSendError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'SmppSendError';
  }
}

const RECONNECT_MIN_MS = 1000;

/**
 * One persistent bind_transceiver session with the carrier's SMSC: connects at start,
 * binds, keeps the link alive with enquire_link, binds again after any loss (1 s
 * doubling to reconnectMaxMs), answers the SMSC's enquire_link/unbind/deliver_sm, and hands
 * delivery receipts on. Nothing here throws into the caller's event loop: a down SMSC
 * makes submit() reject after bindWaitMs, never block.
 */
export class SmppLink {
  readonly #o: SmppLinkOptions;
  #session: smpp.Session | null = null;
  #bound = false;
  #stopped = false;
  #retryMs = RECONNECT_MIN_MS;
  #reconnect: NodeJS.Timeout | null = null;
  #keepAlive: NodeJS.Timeout | null = null;
  #awaitingEnquire = false;
  #waiters = new Set<() => void>();

  constructor(options: SmppLinkOptions) {
    this.#o = options;
  }

  get bound(): boolean {
    return this.#bound;
  }

  start(): void {
    this.#stopped = false;
    this.#connect();
  }

  #connect(): void {
    const { log } = this.#o;
    const session = smpp.connect({ url: this.#o.url });
    this.#session = session;
    // A host that swallows the SYN, or an SMSC that never answers the bind.
    const bindTimer = setTimeout(() => {
      log.warn('SMSC: no bind within 15 s');
      session.destroy();
    }, 15_000);
    bindTimer.unref();
    session.on('close', () => clearTimeout(bindTimer));
    session.on('connect', () => {
      session.bind_transceiver(
        { system_id: this.#o.systemId, password: this.#o.password },
        (pdu) => {
          clearTimeout(bindTimer);
          if (pdu.command_status !== 0) {
            log.error({ status: pdu.command_status }, 'SMSC refused the bind');
            session.destroy();
            return;
          }
          this.#bound = true;
          this.#retryMs = RECONNECT_MIN_MS;
          log.info('SMSC bound (transceiver)');
          this.#startKeepAlive(session);
          for (const w of this.#waiters) w();
          this.#waiters.clear();
        },
      );
    });
    // Socket errors close the link anyway; a PDU that does not parse leaves the stream
    // out of step: drop the link either way and bind again.
    session.on('error', (err: Error) => {
      log.warn({ err: err.message }, 'SMSC link error');
      session.destroy();
    });
    session.on('close', () => this.#onClose(session));
    session.on('enquire_link', (pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu) => {
      session.send(pdu.response());
      session.close();
    });
    session.on('deliver_sm', (pdu) => {
      session.send(pdu.response());
      const receipt = parseReceipt(pdu);
      if (receipt) this.#o.onReceipt(receipt);
    });
  }

  #startKeepAlive(session: smpp.Session): void {
    this.#awaitingEnquire = false;
    this.#keepAlive = setInterval(() => {
      if (this.#awaitingEnquire) {
        this.#o.log.warn('SMSC did not answer enquire_link: reconnecting');
        session.destroy();
        return;
      }
      this.#awaitingEnquire = true;
      session.enquire_link({}, () => {
        this.#awaitingEnquire = false;
      });
    }, this.#o.enquireLinkMs);
    this.#keepAlive.unref();
  }

  #onClose(session: smpp.Session): void {
    if (this.#session !== session) return;
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = null;
    const wasBound = this.#bound;
    this.#bound = false;
    this.#session = null;
    if (this.#stopped) return;
    if (wasBound) this.#o.log.warn('SMSC link lost');
    this.#reconnect = setTimeout(() => {
      this.#reconnect = null;
      this.#connect();
    }, this.#retryMs);
    this.#reconnect.unref();
    this.#retryMs = Math.min(this.#o.reconnectMaxMs, this.#retryMs * 2);
  }

  async #whenBound(): Promise<smpp.Session> {
    if (!this.#bound) {
      await new Promise<void>((resolve, reject) => {
        const done = () => {
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          this.#waiters.delete(done);
          reject(new SmppSendError('SMSC not bound'));
        }, this.#o.bindWaitMs ?? 5000);
        this.#waiters.add(done);
      });
    }
    if (!this.#session || !this.#bound) throw new SmppSendError('SMSC not bound');
    return this.#session;
  }

  /** submit_sm with a delivery receipt asked for; resolves with the SMSC's message_id. */
  async submit(part: SubmitPart): Promise<string> {
    const session = await this.#whenBound();
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new SmppSendError('no submit_sm_resp')),
        this.#o.responseTimeoutMs ?? 10_000,
      );
      const sent = session.submit_sm(
        {
          source_addr_ton: /^\d+$/.test(part.source) ? 1 : 5,
          source_addr_npi: /^\d+$/.test(part.source) ? 1 : 0,
          source_addr: part.source,
          dest_addr_ton: part.destination.startsWith('+') ? 1 : 0,
          dest_addr_npi: 1,
          destination_addr: part.destination.replace(/^\+/, ''),
          registered_delivery: 1,
          esm_class: part.esmClass,
          data_coding: 8,
          short_message: part.bytes,
        },
        (resp) => {
          clearTimeout(timer);
          if (resp.command_status === 0) resolve(String(resp.message_id));
          else reject(new SmppSendError('SMSC refused submit_sm', resp.command_status));
        },
      );
      if (!sent) {
        clearTimeout(timer);
        reject(new SmppSendError('SMSC link not writable'));
      }
    });
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#reconnect) clearTimeout(this.#reconnect);
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    const session = this.#session;
    this.#session = null;
    this.#bound = false;
    if (!session) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => session.destroy(() => resolve()), 1000);
      const sent = session.unbind({}, () => {
        clearTimeout(force);
        session.close(() => resolve());
      });
      if (!sent) {
        clearTimeout(force);
        session.destroy();
        resolve();
      }
    });
  }
}
