import { describe, expect, it } from 'vitest';
import { rejoinDelayMs, rejoinRetryable } from './rejoinBackoff';
import { mergeHeld } from './engineSources';
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

describe('mergeHeld: what a rejoin publishes again', () => {
  const track = (id: string) => ({ id }) as unknown as MediaStreamTrack;
  it('keeps what a failed rejoin could not publish, and what is sent now first', () => {
    const earlier = [
      { source: 'mic' as const, track: track('old-mic'), on: true },
      { source: 'camera' as const, track: track('cam'), on: true },
    ];
    const now = [{ source: 'mic' as const, track: track('new-mic'), on: false }];
    expect(mergeHeld(earlier, now)).toEqual([
      { source: 'mic', track: track('new-mic'), on: false },
      { source: 'camera', track: track('cam'), on: true },
    ]);
    expect(mergeHeld(earlier, [])).toEqual(earlier);
    expect(mergeHeld([], now)).toEqual(now);
  });
});
