/**
 * The recurrence a host can build in the form, and its RFC 5545 RRULE (without
 * DTSTART: the scheduler anchors it at the meeting's start, in Vietnam time).
 */
export const weekdays = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;
export type Weekday = (typeof weekdays)[number];

export interface RecurrenceForm {
  freq: 'none' | 'DAILY' | 'WEEKLY' | 'MONTHLY';
  interval: number;
  byDay: Weekday[];
  end: 'count' | 'until';
  count: number;
  /** YYYY-MM-DD, Vietnam time, inclusive. */
  until: string;
}

export const noRecurrence: RecurrenceForm = {
  freq: 'none',
  interval: 1,
  byDay: [],
  end: 'count',
  count: 10,
  until: '',
};

export function toRrule(form: RecurrenceForm): string | null {
  if (form.freq === 'none') return null;
  const parts = [`FREQ=${form.freq}`];
  if (form.interval > 1) parts.push(`INTERVAL=${Math.floor(form.interval)}`);
  if (form.freq === 'WEEKLY' && form.byDay.length > 0)
    parts.push(`BYDAY=${weekdays.filter((d) => form.byDay.includes(d)).join(',')}`);
  if (form.end === 'until' && form.until) {
    // End of that day in Vietnam time (23:59:59 +07:00 = 16:59:59 UTC).
    parts.push(`UNTIL=${form.until.replaceAll('-', '')}T165959Z`);
  } else parts.push(`COUNT=${Math.max(1, Math.floor(form.count))}`);
  return parts.join(';');
}

/** Reads back the rules this form writes; anything richer keeps its defaults for those fields. */
export function fromRrule(rrule: string | null | undefined): RecurrenceForm {
  if (!rrule) return { ...noRecurrence };
  const map = new Map(
    rrule
      .replace(/^RRULE:/, '')
      .split(';')
      .map((p) => p.split('=') as [string, string]),
  );
  const freq = map.get('FREQ');
  const form: RecurrenceForm = {
    ...noRecurrence,
    freq: freq === 'DAILY' || freq === 'WEEKLY' || freq === 'MONTHLY' ? freq : 'none',
    interval: Number(map.get('INTERVAL') ?? 1) || 1,
    byDay: (map.get('BYDAY') ?? '')
      .split(',')
      .filter((d): d is Weekday => (weekdays as readonly string[]).includes(d)),
  };
  const until = map.get('UNTIL');
  if (until) {
    const m = until.match(/^(\d{4})(\d{2})(\d{2})/);
    if (m) return { ...form, end: 'until', until: `${m[1]}-${m[2]}-${m[3]}` };
  }
  const count = Number(map.get('COUNT'));
  return { ...form, end: 'count', count: count > 0 ? count : noRecurrence.count };
}

/** The weekday (RRULE code) of a Vietnam calendar date. */
export function weekdayOf(date: string): Weekday {
  const js = new Date(`${date}T12:00:00Z`).getUTCDay(); // 0 = Sunday
  return weekdays[(js + 6) % 7]!;
}
