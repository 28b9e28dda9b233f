import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

/**
 * How late this process's event loop runs (a loaded server): a report that
 * arrives late because the server itself was busy says nothing about the
 * link. One histogram per process, read and reset at most once a second.
 */
let histogram: IntervalHistogram | undefined;
let recent = { at: 0, maxMs: 0 };

export function eventLoopDelayMs(now = Date.now()): number {
  if (!histogram) {
    histogram = monitorEventLoopDelay({ resolution: 20 });
    histogram.enable();
  }
  if (now - recent.at >= 1_000) {
    // max is in ns; the sampler's own resolution is not delay.
    const maxMs = Math.max(0, histogram.max / 1e6 - 20);
    // The last whole window's worst delay (a stall across the boundary shows in the next one).
    recent = { at: now, maxMs: Number.isFinite(maxMs) ? maxMs : 0 };
    histogram.reset();
  }
  return recent.maxMs;
}
