import { randomInt } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Logger } from '@giaoban/common/logger';
import type { DeliveryReceipt } from './deliveryReceipt';
import type { SmppLink } from './smppLink';
import { ucs2Parts } from './smsText';

/** Which SMS (one number of one unit in one emergency) an SMSC message id belongs to. */
const messageRefSchema = z.object({
  emergencyId: z.string(),
  unitId: z.string(),
  /** The number's place in the unit's list (never the number itself). */
  slot: z.number().int(),
  parts: z.number().int().min(1),
});
export type MessageRef = z.infer<typeof messageRefSchema>;

const MSG_KEY = (id: string) => `gb:sms:msg:${id}`;
const DELIVERED_KEY = (r: MessageRef) => `gb:sms:dlv:${r.emergencyId}:${r.unitId}:${r.slot}`;
/** Receipts come for days at most (validity period); the mapping is kept a week. */
const KEEP_S = 7 * 86_400;
/** A receipt may overtake our write of its mapping: look again a few times. */
const LOOKUP_TRIES = 5;
const LOOKUP_GAP_MS = 200;

/**
 * Sends one text to one number as UCS2 parts over the SMPP link and keeps each
 * part's SMSC message id → (emergency, unit, slot) in Redis, so that a receipt that
 * reaches any scheduler process (or one restarted since) finds its SMS. A number's
 * SMS is delivered when every part's receipt says DELIVRD.
 */
export class SmsSender {
  readonly #link: SmppLink;
  readonly #redis: Redis;
  readonly #log: Logger;
  readonly #source: string;
  readonly #delivered: (ref: MessageRef, at: Date) => Promise<void>;

  constructor(deps: {
    link: SmppLink;
    redis: Redis;
    log: Logger;
    source: string;
    onDelivered(ref: MessageRef, at: Date): Promise<void>;
  }) {
    this.#link = deps.link;
    this.#redis = deps.redis;
    this.#log = deps.log;
    this.#source = deps.source;
    this.#delivered = deps.onDelivered;
  }

  /** Resolves once the SMSC accepted every part (submit_sm_resp OK); rejects otherwise. */
  async send(
    ref: Omit<MessageRef, 'parts'>,
    number: string,
    text: string,
  ): Promise<{ parts: number }> {
    const parts = ucs2Parts(text, randomInt(256));
    const full: MessageRef = { ...ref, parts: parts.length };
    for (const part of parts) {
      const id = await this.#link.submit({
        destination: number,
        source: this.#source,
        bytes: part.bytes,
        esmClass: part.esmClass,
      });
      await this.#redis.set(MSG_KEY(id), JSON.stringify(full), 'EX', KEEP_S);
    }
    return { parts: parts.length };
  }

  /** The SMSC's receipt for one part (called by the link; never throws). */
  receipt(r: DeliveryReceipt): void {
    void this.#onReceipt(r).catch((err: unknown) =>
      this.#log.error({ err, messageId: r.messageId }, 'SMS receipt handling failed'),
    );
  }

  async #onReceipt(r: DeliveryReceipt): Promise<void> {
    let raw: string | null = null;
    for (let i = 0; i < LOOKUP_TRIES && raw === null; i++) {
      if (i > 0) await new Promise((res) => setTimeout(res, LOOKUP_GAP_MS));
      raw = await this.#redis.get(MSG_KEY(r.messageId));
    }
    const parsed = raw ? messageRefSchema.safeParse(JSON.parse(raw)) : null;
    if (!parsed?.success) {
      this.#log.info(
        { messageId: r.messageId, state: r.state },
        'SMS receipt for an unknown message',
      );
      return;
    }
    const ref = parsed.data;
    const log = {
      emergencyId: ref.emergencyId,
      unitId: ref.unitId,
      slot: ref.slot,
      state: r.state,
    };
    if (!r.delivered) {
      this.#log.warn(log, 'SMS not delivered');
      return;
    }
    const key = DELIVERED_KEY(ref);
    const res = await this.#redis
      .multi()
      .sadd(key, r.messageId)
      .scard(key)
      .expire(key, KEEP_S)
      .exec();
    const count = Number(res?.[1]?.[1] ?? 0);
    if (count < ref.parts) return;
    this.#log.info(log, 'SMS delivered');
    await this.#delivered(ref, new Date());
  }
}
