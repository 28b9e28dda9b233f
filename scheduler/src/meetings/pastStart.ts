import { AppError } from '@giaoban/common/errors';
import { hasStartFrom, parseRule } from './recurrence';

/**
 * A start this far back still counts as "now": clocks differ a little, and a
 * host who types 08:00 at 08:02 means the meeting that is starting.
 */
export const START_GRACE_MS = 5 * 60_000;

/** Forms show and send minutes: two instants in the same minute are the same start. */
export const sameMinute = (a: number, b: number) =>
  Math.floor(a / 60_000) === Math.floor(b / 60_000);

const inPast = () =>
  new AppError('START_IN_PAST', [{ path: 'start', message: 'the start has already passed' }]);

/** A single session (a one-off meeting, a moved occurrence) must not start in the past. */
export function assertStartAhead(startMs: number, now = Date.now()): void {
  if (startMs < now - START_GRACE_MS) throw inPast();
}

/**
 * A new or re-timed meeting must have a session still to come: a one-off must
 * start ahead, a series may begin in the past (a weekly briefing entered late)
 * as long as one of its sessions is still ahead.
 */
export function assertSessionAhead(
  startMs: number,
  rrule: string | null | undefined,
  now = Date.now(),
): void {
  if (!rrule) return assertStartAhead(startMs, now);
  if (!hasStartFrom(parseRule(rrule, startMs), now - START_GRACE_MS)) throw inPast();
}
