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
 */
export const audioOnlyBelowKbps = 500;
export const audioOnlyAboveRttMs = 400;

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
 * A quick test against our own server (never a third party): three tiny
 * requests (HEAD of the app's page) for the round trip, then the app's own
 * script file for the rate.
 * Bounded to a few seconds so a dead link fails fast instead of hanging the screen.
 */
export async function runLinkTest(timeoutMs = 6000): Promise<LinkTestResult | null> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), timeoutMs);
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
    }
    const script = document.querySelector<HTMLScriptElement>('script[type="module"][src]')?.src;
    let downKbps = 0;
    if (script) {
      const t0 = performance.now();
      const res = await fetch(`${script}?probe=${Date.now()}`, {
        cache: 'no-store',
        signal: ctrl.signal,
      });
      const bytes = (await res.arrayBuffer()).byteLength;
      const seconds = Math.max((performance.now() - t0 - median(rtts)) / 1000, 0.001);
      downKbps = (bytes * 8) / 1000 / seconds;
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
