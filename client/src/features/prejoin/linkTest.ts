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

/**
 * Reads a response body until it ends or `deadline` (performance.now() ms)
 * passes, and returns the rate of what arrived (kbit/s), excluding the first
 * chunk's wait (one round trip). A slow link then gives a low rate, not a
 * time-out: on GPRS the whole file never arrives within the test, but its
 * first kilobytes say what the link carries.
 */
export async function readRate(
  body: ReadableStream<Uint8Array>,
  deadline: number,
  now: () => number = () => performance.now(),
): Promise<number | null> {
  const reader = body.getReader();
  let first: number | undefined;
  let last = 0;
  let bytes = 0;
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
      if (next === 'late' || next.done) break;
      const t = now();
      if (first === undefined) first = t;
      else bytes += next.value.byteLength;
      last = t;
    }
  } finally {
    void reader.cancel().catch(() => undefined);
  }
  if (first === undefined || bytes === 0 || last <= first) return null;
  return (bytes * 8) / (last - first);
}

/**
 * A quick test against our own server (never a third party): three tiny
 * requests (HEAD of the app's page) for the round trip, then the app's own
 * script file for the rate, read until it ends or the test's time is up.
 * Bounded to a few seconds so a dead link fails fast instead of hanging the
 * screen; a slow one gets its verdict from what arrived.
 */
export async function runLinkTest(timeoutMs = 6000): Promise<LinkTestResult | null> {
  const ctrl = new AbortController();
  const deadline = performance.now() + timeoutMs;
  const timer = setTimeout(() => ctrl.abort(), timeoutMs + 500);
  try {
    const rtts: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      // A static file's headers: the round trip, not the server's health checks
      // (/healthz asks Redis and every worker, which a busy server answers slowly).
      await fetch(`/index.html?probe=${Date.now()}-${i}`, {
        method: 'HEAD',
        cache: 'no-store',
        signal: ctrl.signal,
      });
      rtts.push(performance.now() - t0);
      // A slow link: two round trips say enough, keep the time for the rate.
      if (performance.now() > deadline - timeoutMs / 2) break;
    }
    const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src;
    let downKbps = 0;
    if (script) {
      const t0 = performance.now();
      const res = await fetch(`${script}?probe=${Date.now()}`, {
        cache: 'no-store',
        signal: ctrl.signal,
      });
      if (!res.body) return null;
      const rate = await readRate(res.body, deadline);
      // The whole file in one chunk (a fast link, loopback): no rate between chunks, so
      // its size on the wire over the time it took after one round trip.
      const size = Number(res.headers.get('content-length'));
      const took = performance.now() - t0 - median(rtts);
      if (rate === null && size > 0 && performance.now() < deadline)
        downKbps = (size * 8) / Math.max(took, 1);
      else if (rate === null) return null;
      else downKbps = rate;
    }
    return { rttMs: Math.round(median(rtts)), downKbps: Math.round(downKbps) };
  } catch {
    return null;
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
