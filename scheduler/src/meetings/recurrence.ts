import rrulePkg, { type RRule as RRuleType } from 'rrule';

// rrule ships CommonJS for Node (its ESM build has no "exports" map): take the
// classes from the default export so that plain Node and vitest agree.
const { RRule, Frequency } = rrulePkg;
type RRule = RRuleType;
import { AppError } from '@giaoban/common/errors';

/**
 * Recurrence in Vietnam time. Asia/Ho_Chi_Minh is a fixed UTC+7 (no daylight
 * saving since 1975), so rules are expanded on "wall-clock as UTC" dates — the
 * approach the rrule docs recommend — and shifted back by 7 hours. BYDAY=MO then
 * means Monday in Vietnam even for a 06:00 meeting (Sunday 23:00 UTC).
 */
const VN_OFFSET_MS = 7 * 3600_000;
const toWall = (ms: number) => new Date(ms + VN_OFFSET_MS);
const fromWall = (d: Date) => d.getTime() - VN_OFFSET_MS;

/** How far around now an unbounded series is expanded, and the most occurrences kept. */
export const HORIZON_MS = 400 * 86_400_000;
export const MAX_OCCURRENCES = 1000;

const allowed = new Set([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY]);

/** Validates an RRULE string; BAD_REQUEST with a readable reason otherwise. */
export function parseRule(rule: string, startMs: number): RRule {
  const bad = (message: string) =>
    new AppError('BAD_REQUEST', [{ path: 'recurrence.rrule', message }]);
  if (/DTSTART|TZID|\n/i.test(rule)) throw bad('give the start separately, without DTSTART/TZID');
  let options;
  try {
    options = RRule.parseString(rule.replace(/^RRULE:/i, ''));
  } catch {
    throw bad('not a valid RRULE');
  }
  if (options.freq === undefined || !allowed.has(options.freq)) {
    throw bad('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  }
  if (options.count != null && (options.count < 1 || options.count > MAX_OCCURRENCES)) {
    throw bad(`COUNT must be 1–${MAX_OCCURRENCES}`);
  }
  if (options.interval != null && (options.interval < 1 || options.interval > 366)) {
    throw bad('INTERVAL must be 1–366');
  }
  let parsed: RRule;
  try {
    parsed = new RRule({ ...options, dtstart: toWall(startMs) });
  } catch {
    throw bad('not a valid RRULE');
  }
  // A series that ends before its first session would be saved with nothing to hold.
  if (!parsed.after(toWall(startMs), true)) throw bad('the series ends before its first session');
  return parsed;
}

/**
 * Start times (ms, UTC) of a series, sorted: a COUNT-bounded series entirely;
 * otherwise the occurrences from a horizon before `aroundMs` to a horizon after
 * it (a daily briefing running for years keeps the recent and coming ones), at
 * most MAX_OCCURRENCES.
 */
export function expandStarts(rule: RRule, aroundMs: number): number[] {
  const out: number[] = [];
  if (rule.options.count != null) {
    rule.all((d, i) => {
      if (i >= MAX_OCCURRENCES) return false;
      out.push(fromWall(d));
      return true;
    });
    return out;
  }
  const from = toWall(aroundMs - HORIZON_MS);
  const to = toWall(aroundMs + HORIZON_MS);
  rule.between(from, to, true, (d, i) => {
    if (i >= MAX_OCCURRENCES * 2) return false;
    out.push(fromWall(d));
    return true;
  });
  return out.slice(-MAX_OCCURRENCES);
}

/** Start of the Vietnamese calendar day containing ms (for listings and bench windows). */
export function vnDayStart(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / 86_400_000) * 86_400_000 - VN_OFFSET_MS;
}

/** Whether the series has a session starting at or after ms. */
export function hasStartFrom(rule: RRule, ms: number): boolean {
  return rule.after(toWall(ms), true) !== null;
}
