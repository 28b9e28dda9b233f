import { describe, expect, it } from 'vitest';
import { rejoinDelayMs, rejoinRetryable } from './rejoinBackoff';
import { SignalingError } from './signalingClient';

describe('rejoin backoff', () => {
  it('waits 0.5 s, then twice as long each time, never over 5 s (±20 % jitter)', () => {
    const mid = () => 0.5;
    expect([0, 1, 2, 3, 4, 10].map((a) => rejoinDelayMs(a, mid))).toEqual([
      500, 1000, 2000, 4000, 5000, 5000,
    ]);
    expect(rejoinDelayMs(0, () => 0)).toBe(400);
    expect(rejoinDelayMs(10, () => 1)).toBe(6000);
  });

  it('retries what a worker or node coming back will fix, not a final refusal', () => {
    expect(rejoinRetryable(new SignalingError('UNAVAILABLE'))).toBe(true);
    expect(rejoinRetryable(new SignalingError('RATE_LIMITED'))).toBe(true);
    for (const code of ['MEETING_NOT_OPEN', 'FORBIDDEN', 'UNAUTHENTICATED', 'MEETING_LOCKED'])
      expect(rejoinRetryable(new SignalingError(code))).toBe(false);
    expect(rejoinRetryable(new Error('x'))).toBe(false);
  });
});
