/**
 * A rejoin the server cannot serve yet (every SFU worker dead and being
 * replaced, a node restarting: UNAVAILABLE, or no answer in time) is tried
 * again, 0.5 s then doubling to 5 s, with ±20 % jitter so 150 communes
 * coming back do not knock at once. Anything else (the meeting closed, the
 * unit no longer invited, the session ended) is final.
 */
const RETRYABLE = new Set(['UNAVAILABLE', 'RATE_LIMITED', 'INTERNAL', 'STORAGE_FULL']);

export function rejoinRetryable(err: unknown): boolean {
  const code =
    typeof err === 'object' && err && 'code' in err ? (err as { code: unknown }).code : '';
  return typeof code === 'string' && RETRYABLE.has(code);
}

export function rejoinDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(5_000, 500 * 2 ** attempt);
  return Math.round(base * (0.8 + 0.4 * random()));
}
