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
const DAY_MS = 86_400_000;
const toWall = (ms: number) => new Date(ms + VN_OFFSET_MS);
const fromWall = (d: Date) => d.getTime() - VN_OFFSET_MS;

/** How far around now an unbounded series is expanded, and the most occurrences kept. */
export const HORIZON_MS = 400 * DAY_MS;
export const MAX_OCCURRENCES = 1000;
/** A series must hold its first session within this long of its start. */
export const FIRST_SESSION_WITHIN_MS = 366 * DAY_MS;
/**
 * The longest stretch of calendar any walk over a rule may cover (≈ 11
 * years): rrule spends ≈ 3–5 µs per day of it, whatever the frequency, so no
 * walk holds the event loop more than ≈ 20 ms.
 */
export const MAX_WALK_DAYS = 4000;

const allowed = new Set([Frequency.DAILY, Frequency.WEEKLY, Frequency.MONTHLY, Frequency.YEARLY]);
/** Shortest length of one period of each frequency (a month: 28 days). */
const periodDays: Record<number, number> = {
  [Frequency.DAILY]: 1,
  [Frequency.WEEKLY]: 7,
  [Frequency.MONTHLY]: 28,
  [Frequency.YEARLY]: 365,
};

/**
 * The rule as a walk that stops at `untilMs` (UTC) or after MAX_WALK_DAYS.
 *
 * rrule walks period by period until an accepted date passes the end of the
 * query: a rule whose periods all filter out (FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31)
 * is walked day by day to the year 9999 — 17 s of a blocked event loop, UNTIL
 * or not. rrule reads `options.interval` once before walking and twice per
 * period: first at the period's end, where 0 ends the walk, then to step on.
 * The view answers 0 at the end of the last period it may walk.
 * (`recurrence.test.ts` fails if an rrule release walks differently.)
 */
function bounded(rule: RRule, untilMs: number): RRule {
  const o = rule.options;
  const periodMs = (periodDays[o.freq] ?? 1) * Math.max(1, o.interval) * DAY_MS;
  const span = toWall(untilMs).getTime() - o.dtstart.getTime();
  const wanted = Math.ceil(span / periodMs) + 2;
  const most = Math.ceil(MAX_WALK_DAYS / (periodDays[o.freq] ?? 1));
  const periods = Number.isFinite(wanted) ? Math.min(most, Math.max(1, wanted)) : 1;
  let reads = 0;
  const options = { ...o };
  Object.defineProperty(options, 'interval', {
    enumerable: true,
    get() {
      reads++;
      if (reads % 2 === 0 && reads / 2 > periods) return 0;
      return o.interval;
    },
  });
  // No cache: a cut walk must not be remembered as the rule's full answer.
  return Object.create(rule, { options: { value: options }, _cache: { value: null } }) as RRule;
}

const badRule = (message: string) =>
  new AppError('BAD_REQUEST', [{ path: 'recurrence.rrule', message }]);

/** Validates an RRULE string; BAD_REQUEST or RECURRENCE_EMPTY with a readable reason otherwise. */
export function parseRule(rule: string, startMs: number): RRule {
  if (/DTSTART|TZID|\n/i.test(rule))
    throw badRule('give the start separately, without DTSTART/TZID');
  let options;
  try {
    options = RRule.parseString(rule.replace(/^RRULE:/i, ''));
  } catch {
    throw badRule('not a valid RRULE');
  }
  if (options.freq === undefined || !allowed.has(options.freq)) {
    throw badRule('FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY');
  }
  // One session a day at most, at the time of the start.
  for (const part of ['byhour', 'byminute', 'bysecond', 'byeaster'] as const) {
    if (options[part] != null) throw badRule(`${part.toUpperCase()} is not supported`);
  }
  // `INTERVAL=x` parses as NaN, which no comparison refuses: integers in range only.
  const within = (v: number, max: number) => Number.isInteger(v) && v >= 1 && v <= max;
  if (options.count != null && !within(options.count, MAX_OCCURRENCES)) {
    throw badRule(`COUNT must be 1–${MAX_OCCURRENCES}`);
  }
  if (options.interval != null && !within(options.interval, 366)) {
    throw badRule('INTERVAL must be 1–366');
  }
  let parsed: RRule;
  try {
    parsed = new RRule({ ...options, dtstart: toWall(startMs) }, true);
  } catch {
    throw badRule('not a valid RRULE');
  }
  // A series that ends before its first session would be saved with nothing to hold.
  if (parsed.options.until && parsed.options.until < toWall(startMs))
    throw badRule('the series ends before its first session');
  if (!hasStartFrom(parsed, startMs)) {
    throw new AppError('RECURRENCE_EMPTY', [
      { path: 'recurrence.rrule', message: 'the rule holds no session within a year of the start' },
    ]);
  }
  return parsed;
}

/**
 * Start times (ms, UTC) of a series, sorted: a COUNT-bounded series from its
 * start (its sessions are counted from there) to a horizon after `aroundMs`;
 * otherwise the occurrences from a horizon before `aroundMs` to a horizon after
 * it (a daily briefing running for years keeps the recent and coming ones), at
 * most MAX_OCCURRENCES.
 */
export function expandStarts(rule: RRule, aroundMs: number): number[] {
  const out: number[] = [];
  if (rule.options.count != null) {
    const to = toWall(aroundMs + HORIZON_MS);
    bounded(rule, aroundMs + HORIZON_MS).all((d, i) => {
      if (i >= MAX_OCCURRENCES || d > to) return false;
      out.push(fromWall(d));
      return true;
    });
    return out;
  }
  const from = toWall(aroundMs - HORIZON_MS);
  const to = toWall(aroundMs + HORIZON_MS);
  bounded(anchoredBefore(rule, from), aroundMs + HORIZON_MS).between(from, to, true, (d, i) => {
    if (i >= MAX_OCCURRENCES * 2) return false;
    out.push(fromWall(d));
    return true;
  });
  return out.slice(-MAX_OCCURRENCES);
}

/**
 * A DAILY or WEEKLY series without COUNT, started long before `wall`, as the
 * same series started a whole number of its periods later (just before
 * `wall`): rrule walks from the start, and a daily briefing running for years
 * would otherwise be walked day by day from its first day at every expansion.
 * Whole days or weeks keep every BY* filter (they are calendar dates) and the
 * weekday a WEEKLY rule takes from its start.
 */
function anchoredBefore(rule: RRule, wall: Date): RRule {
  const o = rule.options;
  const stepDays = o.freq === Frequency.DAILY ? 1 : o.freq === Frequency.WEEKLY ? 7 : 0;
  if (!stepDays || o.count != null) return rule;
  const stepMs = stepDays * o.interval * DAY_MS;
  const steps = Math.floor((wall.getTime() - o.dtstart.getTime()) / stepMs) - 1;
  if (!Number.isFinite(steps) || steps < 1) return rule;
  return new RRule(
    { ...rule.origOptions, dtstart: new Date(o.dtstart.getTime() + steps * stepMs) },
    true,
  );
}

/** Start of the Vietnamese calendar day containing ms (for listings and bench windows). */
export function vnDayStart(ms: number): number {
  return Math.floor((ms + VN_OFFSET_MS) / DAY_MS) * DAY_MS - VN_OFFSET_MS;
}

/**
 * Whether the series has a session starting at or after ms, looked for up to
 * a year after ms (or after the series' start, when that is later).
 */
export function hasStartFrom(rule: RRule, ms: number): boolean {
  const from = Math.max(ms, fromWall(rule.options.dtstart));
  const limit = from + FIRST_SESSION_WITHIN_MS;
  const next = bounded(anchoredBefore(rule, toWall(ms)), limit).after(toWall(ms), true);
  return next !== null && fromWall(next) <= limit;
}
