import { severity } from '@giaoban/sfu/link/linkState';
import type { ProbeSnapshot } from '../../e2e/weakLink/probe';

/** The worse direction of a link notice. */
export const worse = (n: ProbeSnapshot['notices'][number]) =>
  severity(n.down) >= severity(n.up) ? n.down : n.up;

/**
 * Step-downs within 30 s of a step-up. A step-down within 20 s after the bench
 * itself worsened the link (`expectedFallAt`) is the adaptation working, not a flap.
 */
export function countFlaps(s: ProbeSnapshot, expectedFallAt: number | null): number {
  let flaps = 0;
  let lastUpAt = -Infinity;
  for (let i = 1; i < s.notices.length; i++) {
    const a = severity(worse(s.notices[i - 1]!));
    const b = severity(worse(s.notices[i]!));
    const at = s.notices[i]!.at;
    if (b < a) lastUpAt = at;
    const expected =
      expectedFallAt !== null && at >= expectedFallAt && at < expectedFallAt + 20_000;
    if (b > a && at - lastUpAt < 30_000 && !expected) flaps++;
  }
  return flaps;
}
