import type { types as ms } from 'mediasoup';

/**
 * A consumer runs only when both its client wants it (the browser resumes a
 * consumer once its track is wired, pauses it when it hides a tile) and the
 * link policy allows it. Without the gate a client's resume would silently
 * undo an audio-only fallback, and the end of a fallback would resume
 * consumers the client had paused.
 */
interface GateEntry {
  consumer: ms.Consumer;
  client: boolean;
  held: boolean;
  /** Pause/resume of one consumer run one after another (see #apply). */
  chain: Promise<void>;
}

export class ConsumerGate {
  readonly #entries = new Map<string, GateEntry>();

  add(consumer: ms.Consumer): void {
    // Consumers are created paused; the client resumes them.
    this.#entries.set(consumer.id, {
      consumer,
      client: !consumer.paused,
      held: false,
      chain: Promise.resolve(),
    });
    consumer.observer.once('close', () => this.#entries.delete(consumer.id));
  }

  has(consumerId: string): boolean {
    return this.#entries.has(consumerId);
  }

  get consumers(): ms.Consumer[] {
    return [...this.#entries.values()].map((e) => e.consumer);
  }

  isHeld(consumerId: string): boolean {
    return this.#entries.get(consumerId)?.held ?? false;
  }

  /** What the client asked for (resume = true). */
  async setClient(consumerId: string, running: boolean): Promise<void> {
    const e = this.#entries.get(consumerId);
    if (!e) return;
    e.client = running;
    await this.#apply(e);
  }

  /** What the link policy allows (held = paused by the policy). */
  async setHeld(consumerId: string, held: boolean): Promise<void> {
    const e = this.#entries.get(consumerId);
    if (!e || e.held === held) return;
    e.held = held;
    await this.#apply(e);
  }

  /**
   * `consumer.paused` changes only once mediasoup answers: a hold arriving
   * while a client's resume is in flight would see the consumer still paused
   * and do nothing, leaving it running. So each consumer's changes are
   * chained, and each step reads the wanted state when it runs.
   */
  #apply(e: GateEntry): Promise<void> {
    const step = e.chain.then(async () => {
      if (e.consumer.closed) return;
      const run = e.client && !e.held;
      if (run && e.consumer.paused) await e.consumer.resume();
      else if (!run && !e.consumer.paused) await e.consumer.pause();
    });
    e.chain = step.catch(() => undefined);
    return step;
  }
}
