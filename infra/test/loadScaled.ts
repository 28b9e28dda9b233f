import { availableParallelism, loadavg } from 'node:os';

/**
 * A time limit for a test that measures the event loop, grown with the
 * machine's load: on a machine busier than its cores (several engineers'
 * builds and benches on 2 cores: load average 20–35), every turn of the loop
 * also waits for a core. `ms` on an idle machine; × load average per core
 * beyond that. The defects these tests catch held the loop for seconds.
 */
export function loadScaledMs(ms: number): number {
  return ms * Math.max(1, loadavg()[0]! / availableParallelism());
}
