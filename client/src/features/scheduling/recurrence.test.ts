import { describe, expect, it } from 'vitest';
import { quangBinhUnitsResponse } from '../../test/fixtures';
import { indexUnits } from '../units/unitsStore';
import { fromRrule, noRecurrence, toRrule, weekdayOf } from './recurrence';
import { resolveSelectors, toSelectors } from './selectors';
import { vnDay, vnInstant, vnParts } from './vnTime';

describe('recurrence form', () => {
  it('writes a weekly RRULE and reads it back', () => {
    const form = {
      ...noRecurrence,
      freq: 'WEEKLY' as const,
      byDay: ['FR' as const, 'MO' as const],
      count: 20,
    };
    expect(toRrule(form)).toBe('FREQ=WEEKLY;BYDAY=MO,FR;COUNT=20');
    expect(fromRrule('FREQ=WEEKLY;BYDAY=MO,FR;COUNT=20')).toMatchObject({
      freq: 'WEEKLY',
      byDay: ['MO', 'FR'],
      end: 'count',
      count: 20,
    });
  });

  it('ends an UNTIL rule at the end of that day in Vietnam', () => {
    const rrule = toRrule({ ...noRecurrence, freq: 'DAILY', end: 'until', until: '2026-12-31' });
    expect(rrule).toBe('FREQ=DAILY;UNTIL=20261231T165959Z');
    expect(fromRrule(rrule)).toMatchObject({ freq: 'DAILY', end: 'until', until: '2026-12-31' });
    expect(toRrule(noRecurrence)).toBeNull();
  });

  it('knows the weekday of a date', () => {
    expect(weekdayOf('2026-11-30')).toBe('MO');
    expect(weekdayOf('2026-12-06')).toBe('SU');
  });
});

describe('Vietnam time', () => {
  it('keeps 08:00 in Hà Nội whatever the browser zone', () => {
    const iso = vnInstant('2026-12-07', '08:00');
    expect(iso).toBe('2026-12-07T08:00:00+07:00');
    expect(new Date(iso).toISOString()).toBe('2026-12-07T01:00:00.000Z');
    expect(vnParts('2026-12-07T01:00:00.000Z')).toEqual({ date: '2026-12-07', time: '08:00' });
    expect(vnDay('2026-12-06T17:30:00Z')).toBe('2026-12-07');
  });
});

describe('invitation selectors', () => {
  const index = indexUnits(quangBinhUnitsResponse());
  const minhHoa = index.byId.get('452')!.children.map((c) => c.id);

  it('turns all communes of a district into one tier selector', () => {
    const picked = new Set([...minhHoa, '18853']);
    expect(toSelectors(index, '44', picked)).toEqual([
      { type: 'tier', unitId: '452', tier: 'commune' },
      { type: 'unit', unitId: '18853' },
    ]);
  });

  it('keeps a partial district as single units', () => {
    const picked = new Set(minhHoa.slice(0, 3));
    expect(toSelectors(index, '452', picked)).toEqual(
      minhHoa
        .slice(0, 3)
        .sort()
        .map((unitId) => ({ type: 'unit', unitId })),
    );
  });

  it('resolves selectors back to the same units', () => {
    const picked = new Set([...minhHoa, '452', '18853']);
    expect(resolveSelectors(index, toSelectors(index, '44', picked))).toEqual(picked);
    expect(resolveSelectors(index, [{ type: 'subtree', unitId: '452' }]).size).toBe(16);
  });
});
