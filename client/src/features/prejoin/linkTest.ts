import type { JoinMode } from './devicePrefs';
import { rememberLink } from './linkMemory';

export interface LinkTestResult {
  /** Median round trip of small requests to our own server. */
  rttMs: number;
  /** Download rate of one known-size file from our own server. */
  downKbps: number;
}

/**
 * Below these the room would be unusable with video: the weak-link measurements
 * (shared/design/WEAK-LINKS.md) show 3G (750 kbit/s down, 100 ms) copes with the
 * lowest simulcast layer, EDGE (240 kbit/s, 840 ms) needs 15–37 s to settle.
 * Capacity decides, not delay: a VSAT satellite terminal (2,000 kbit/s, ~600 ms)
 * carries video; only a round trip past any satellite's says the link is
 * drowning in its own queue.
 */
export const audioOnlyBelowKbps = 500;
export const audioOnlyAboveRttMs = 1_000;

export type LinkVerdict = 'good' | 'weak' | 'failed';

export function judgeLink(result: LinkTestResult | null): LinkVerdict {
  if (!result) return 'failed';
  if (result.downKbps < audioOnlyBelowKbps || result.rttMs > audioOnlyAboveRttMs) return 'weak';
  return 'good';
}

/** The suggested mode: audio-only on a weak link or for a unit known to have a poor one. */
export function suggestMode(
  verdict: LinkVerdict,
  linkProfile: 'good' | 'poor' | undefined,
): JoinMode {
  return verdict === 'good' && linkProfile !== 'poor' ? 'video' : 'audioOnly';
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
}

/** Chunks over this long say the rate (GPRS: ~9 KB); reading on only competes with the engine. */
const ENOUGH_MS = 1_500;

/** What a body read until a deadline gave. */
export interface BodyRead {
  /** Rate between the first and the last chunk (kbit/s); null with fewer than two chunks. */
  kbps: number | null;
  /** Every byte that arrived, the first chunk's too. */
  bytes: number;
  /** The body ended (all of it arrived). */
  done: boolean;
}

/**
 * Reads a response body until it ends or `deadline` (performance.now() ms)
 * passes, and returns the rate of what arrived (kbit/s), excluding the first
 * chunk's wait (one round trip). A slow link then gives a low rate, not a
 * time-out: on GPRS the whole file never arrives within the test, but its
 * first kilobytes say what the link carries.
 */
export async function readBody(
  body: ReadableStream<Uint8Array>,
  deadline: number,
  now: () => number = () => performance.now(),
  enoughMs = ENOUGH_MS,
): Promise<BodyRead> {
  const reader = body.getReader();
  let first: number | undefined;
  let last = 0;
  let bytes = 0;
  let all = 0;
  let done = false;
  try {
    for (;;) {
      const left = deadline - now();
      if (left <= 0) break;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const next = await Promise.race([
        reader.read(),
        new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), left))),
      ]);
      clearTimeout(timer);
      if (next === 'late') break;
      if (next.done) {
        done = true;
        break;
      }
      const t = now();
      all += next.value.byteLength;
      if (first === undefined) first = t;
      else bytes += next.value.byteLength;
      last = t;
      // Measured: the rest would only take the link from the meeting engine's download.
      if (t - first >= enoughMs) break;
    }
  } catch {
    // aborted: what arrived still counts
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  const kbps =
    first === undefined || bytes === 0 || last <= first ? null : (bytes * 8) / (last - first);
  return { kbps, bytes: all, done };
}

/** The rate part of readBody (kbit/s), null when fewer than two chunks arrived. */
export async function readRate(
  body: ReadableStream<Uint8Array>,
  deadline: number,
  now: () => number = () => performance.now(),
): Promise<number | null> {
  return (await readBody(body, deadline, now)).kbps;
}

/** What to download for the rate: the build's incompressible probe, else the app's script. */
function probeUrl(): string | undefined {
  const built = document.getElementById('gb-engine')?.dataset.probe;
  return built ?? document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src;
}

/**
 * The download rate from a body read (kbit/s). Two chunks or more: their rate.
 * One chunk that was the whole file (a fast link, loopback): its size over the
 * time after one round trip. Less than that by the deadline (GPRS behind a
 * download): what arrived over the time it had, a bound from below — a link that
 * answers but delivers little in seconds is weak, not unmeasurable.
 */
export function downRate(read: BodyRead, tookMs: number, rttMs: number, size: number): number {
  if (read.kbps !== null) return read.kbps;
  const bytes = read.done && size > 0 ? size : read.bytes;
  return (bytes * 8) / Math.max(tookMs - (read.done ? rttMs : 0), 1);
}

/**
 * A quick test against our own server (never a third party): up to three tiny
 * requests (HEAD of the app's page) for the round trip, then a file for the
 * rate, read until it ends or the test's time is up. Bounded to a few seconds
 * so a dead link fails fast instead of hanging the screen; a slow one gets its
 * verdict from what arrived. `null` (no verdict) only when nothing answered.
 */
export async function runLinkTest(timeoutMs = 6000): Promise<LinkTestResult | null> {
  const ctrl = new AbortController();
  const deadline = performance.now() + timeoutMs;
  const timer = setTimeout(() => ctrl.abort(), timeoutMs + 500);
  const rtts: number[] = [];
  try {
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      // A static file's headers: the round trip, not the server's health checks
      // (/healthz asks Redis and every worker, which a busy server answers slowly).
      const answered = await fetch(`/index.html?probe=${Date.now()}-${i}`, {
        method: 'HEAD',
        cache: 'no-store',
        signal: ctrl.signal,
      }).then(
        (r) => r.ok,
        () => false,
      );
      if (!answered) break;
      rtts.push(performance.now() - t0);
      // A slow link: two round trips say enough, keep the time for the rate.
      if (performance.now() > deadline - timeoutMs / 2) break;
    }
    // Nothing answered in the whole test: no measurement, no verdict.
    if (rtts.length === 0) return null;
    const rttMs = Math.round(median(rtts));
    // A round trip this long already says weak, whatever the rate.
    if (rttMs > audioOnlyAboveRttMs) return { rttMs, downKbps: 0 };
    const url = probeUrl();
    let downKbps = 0;
    if (url) {
      const t0 = performance.now();
      const res = await fetch(`${url}?probe=${Date.now()}`, {
        cache: 'no-store',
        signal: ctrl.signal,
      }).catch(() => undefined);
      const read = res?.body
        ? await readBody(res.body, deadline)
        : { kbps: null, bytes: 0, done: false };
      const size = Number(res?.headers.get('content-length') ?? 0);
      downKbps = downRate(read, performance.now() - t0, rttMs, size);
    }
    return { rttMs, downKbps: Math.round(downKbps) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Measures the link in the background and remembers the verdict on this
 * device (emergency banner while the siren sounds, the convene page): the
 * join that follows starts with video when it was good.
 */
export async function measureAndRemember(): Promise<LinkVerdict> {
  const verdict = judgeLink(await runLinkTest());
  if (verdict !== 'failed') rememberLink(verdict, 'test');
  return verdict;
}
