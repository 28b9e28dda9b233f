/**
 * A FIFO that releases each item a fixed delay after it entered, in order.
 * One timer for the whole line (not one per packet), and release times never
 * go backwards when the delay is lowered, so packets are never reordered.
 */
export class DelayLine<T> {
  #delayMs: number;
  readonly #release: (item: T) => void;
  readonly #queue: { due: number; item: T }[] = [];
  #head = 0;
  #timer: NodeJS.Timeout | undefined;
  #lastDue = 0;
  #closed = false;

  constructor(delayMs: number, release: (item: T) => void) {
    this.#delayMs = delayMs;
    this.#release = release;
  }

  set delayMs(ms: number) {
    this.#delayMs = Math.max(0, ms);
  }

  get delayMs(): number {
    return this.#delayMs;
  }

  push(item: T): void {
    if (this.#closed) return;
    if (this.#delayMs === 0 && this.#head === this.#queue.length) {
      this.#release(item);
      return;
    }
    const due = Math.max(performance.now() + this.#delayMs, this.#lastDue);
    this.#lastDue = due;
    this.#queue.push({ due, item });
    if (!this.#timer) this.#arm();
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#queue.length = 0;
  }

  #arm(): void {
    const next = this.#queue[this.#head];
    if (!next) {
      this.#queue.length = 0;
      this.#head = 0;
      this.#timer = undefined;
      return;
    }
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, next.due - performance.now()));
  }

  #flush(): void {
    // Release everything due within the timer's granularity (1 ms).
    const now = performance.now() + 1;
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head];
      if (!entry || entry.due > now) break;
      this.#head++;
      this.#release(entry.item);
    }
    if (this.#head > 1024) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
    this.#arm();
  }
}
