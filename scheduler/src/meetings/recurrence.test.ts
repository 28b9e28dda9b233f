import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '@giaoban/common/errors';
import { loadScaledMs } from '../../../infra/test/loadScaled';
import { expandStarts, hasStartFrom, MAX_WALK_DAYS, parseRule } from './recurrence';

const DAY = 86_400_000;
const start = Date.UTC(2026, 11, 7, 1); // 08:00 in Vietnam

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : 'not an AppError';
  }
  return undefined;
};

/** The longest the event loop was held while `fn` ran (ms). */
function worstStall(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

describe('recurrence: every walk is bounded', () => {
  beforeAll(() => {
    // Compiled and warm, as in a running server: the first calls of a cold module cost 20–50 ms more.
    for (let i = 0; i < 3; i++) {
      codeOf(() => parseRule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31', start));
      expandStarts(parseRule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29', Date.UTC(2027, 5, 1)), start);
    }
  });

  // Rules whose every period filters out: rrule walked them to the year 9999 (17 s for DAILY).
  const empty = [
    'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31',
    'FREQ=DAILY;BYSETPOS=5;BYDAY=MO',
    'FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31',
    'FREQ=MONTHLY;BYDAY=-60MO',
    'FREQ=MONTHLY;BYMONTH=2;BYMONTHDAY=30;UNTIL=99991231T000000Z',
    'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=31;INTERVAL=3',
    'FREQ=YEARLY;BYWEEKNO=60;BYDAY=MO;COUNT=5',
  ];
  it.each(empty)('refuses %s with RECURRENCE_EMPTY in milliseconds', (rule) => {
    let code: string | undefined;
    const ms = worstStall(() => (code = codeOf(() => parseRule(rule, start))));
    expect(code).toBe('RECURRENCE_EMPTY');
    expect(ms).toBeLessThan(loadScaledMs(50)); // 17 s for the first rule before the fix
  });

  it('refuses a rule whose first session is more than a year away', () => {
    // Feb 29 comes back in 2028: more than a year after a December 2026 start.
    expect(codeOf(() => parseRule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', start))).toBe(
      'RECURRENCE_EMPTY',
    );
    expect(parseRule('FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29', Date.UTC(2027, 5, 1))).toBeTruthy();
  });

  it('expands a daily series running for years from near now, not from its first day', () => {
    const old = parseRule('FREQ=DAILY;INTERVAL=2;BYDAY=MO,TU,WE,TH,FR', start);
    const later = Date.UTC(2040, 0, 1);
    const starts = expandStarts(old, later);
    expect(starts.length).toBeGreaterThan(200);
    expect(starts[0]).toBeGreaterThanOrEqual(later - 401 * DAY);
    expect(starts.at(-1)).toBeGreaterThan(later + 390 * DAY);
    // Same phase as the series: every other day from the start, 08:00 in Vietnam.
    for (const s of starts) {
      expect((s - start) % (2 * DAY)).toBe(0);
      expect(new Date(s + 7 * 3600_000).getUTCDay()).not.toBe(0);
    }
  });

  it('refuses several sessions a day and keeps the ordinary rules', () => {
    expect(codeOf(() => parseRule('FREQ=DAILY;BYHOUR=1,2,3', start))).toBe('BAD_REQUEST');
    expect(codeOf(() => parseRule('FREQ=DAILY;BYMINUTE=0,30', start))).toBe('BAD_REQUEST');
    const weekly = expandStarts(parseRule('FREQ=WEEKLY;BYDAY=MO,TH;COUNT=6', start), start);
    expect(weekly).toHaveLength(6);
    // A COUNT series whose sessions stop coming: its walk ends at the horizon, not 4,000 years on.
    const yearly = parseRule('FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=7;COUNT=1000', start);
    const t0 = performance.now();
    expect(expandStarts(yearly, start)).toHaveLength(2);
    expect(performance.now() - t0).toBeLessThan(loadScaledMs(50));
    const daily = expandStarts(parseRule('FREQ=DAILY', start), start);
    expect(daily[0]).toBe(start);
    expect(daily).toHaveLength(401);
  });

  it('cuts a walk of a stored rule that became sparse at MAX_WALK_DAYS, quickly', () => {
    // A leap-day series passes (first session within a year), then has gaps of 4 years:
    // a walk far past its start stops after MAX_WALK_DAYS instead of walking to 9999.
    const leap = parseRule('FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29', Date.UTC(2027, 5, 1));
    const walks: [string, () => unknown][] = [
      ['next from 2031', () => expect(hasStartFrom(leap, Date.UTC(2031, 5, 1))).toBe(true)], // Feb 29 2032
      ['next from 2029', () => expect(hasStartFrom(leap, Date.UTC(2029, 0, 1))).toBe(false)], // > a year
      ['next from 2060', () => expect(hasStartFrom(leap, Date.UTC(2060, 2, 1))).toBe(false)],
      ['around 2100', () => expandStarts(leap, Date.UTC(2100, 0, 1))],
    ];
    // ≈ 11 ms each on an idle machine; 100 ms leaves room for a loaded test machine.
    for (const [what, walk] of walks)
      expect(worstStall(walk), what).toBeLessThan(loadScaledMs(100));
    expect(MAX_WALK_DAYS).toBeLessThanOrEqual(4000);
  });
});
