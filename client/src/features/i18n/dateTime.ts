import { MEETING_TIME_ZONE } from '@giaoban/scheduler/api/meetings';

/**
 * Every date and time the app shows or reads, in Vietnamese conventions
 * (dd/mm/yyyy, 24-hour clock, Vietnam time) whatever the browser's locale and
 * clock zone: an en-US Chromium showed mm/dd and AM/PM in the native pickers.
 * English keeps the same conventions (en-GB: day first, 24 hours).
 */
function locale(lng: string): string {
  return lng === 'en' ? 'en-GB' : 'vi-VN';
}

const formats = new Map<string, Intl.DateTimeFormat>();

function formatter(lng: string, kind: 'time' | 'date' | 'day'): Intl.DateTimeFormat {
  const key = `${lng}|${kind}`;
  let f = formats.get(key);
  if (!f) {
    const parts: Intl.DateTimeFormatOptions =
      kind === 'time'
        ? { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }
        : kind === 'date'
          ? { day: '2-digit', month: '2-digit', year: 'numeric' }
          : { weekday: 'long', day: '2-digit', month: '2-digit', year: 'numeric' };
    f = new Intl.DateTimeFormat(locale(lng), { timeZone: MEETING_TIME_ZONE, ...parts });
    formats.set(key, f);
  }
  return f;
}

type When = string | number | Date;

/** "08:00" in Vietnam time. */
export function formatTime(when: When, lng: string): string {
  return formatter(lng, 'time').format(new Date(when));
}

/** "07/12/2026" in Vietnam time. */
export function formatDate(when: When, lng: string): string {
  return formatter(lng, 'date').format(new Date(when));
}

/** "Thứ Hai, 07/12/2026" / "Monday, 07/12/2026" in Vietnam time, capitalised. */
export function formatDay(when: When, lng: string): string {
  const text = formatter(lng, 'day').format(new Date(when));
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** "07/12/2026 08:00" in Vietnam time. */
export function formatDateTime(when: When, lng: string): string {
  return `${formatDate(when, lng)} ${formatTime(when, lng)}`;
}

/** A calendar day "2026-12-07" shown as "07/12/2026" (no time zone: it is already a Vietnam day). */
export function showDay(isoDay: string): string {
  const m = isoDay.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : isoDay;
}

/**
 * What a person typed as a date → "YYYY-MM-DD", or null. Day first always:
 * "7/12/2026", "07-12-2026", "07.12.2026", "07122026". Impossible days
 * (31/02) are refused rather than rolled over into March.
 */
export function parseDay(text: string): string | null {
  const s = text.trim();
  const m =
    s.match(/^(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})$/) ??
    s.match(/^(\d{2})(\d{2})(\d{4})$/);
  if (!m) return null;
  const [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (y < 2000 || y > 2100 || mo < 1 || mo > 12 || d < 1) return null;
  const probe = new Date(Date.UTC(y, mo - 1, d));
  if (probe.getUTCDate() !== d || probe.getUTCMonth() !== mo - 1) return null;
  return `${String(y)}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/**
 * What a person typed as a time of day → "HH:mm" (24 hours), or null:
 * "8:00", "08:00", "8h", "8h30", "14.30", "1430". AM/PM is refused: the form
 * says 24 hours, and guessing would move a meeting by twelve hours.
 */
export function parseTime(text: string): string | null {
  const s = text.trim().toLowerCase();
  const m = s.match(/^(\d{1,2})\s*(?:[:.h]\s*(\d{2})?)?$/) ?? s.match(/^(\d{2})(\d{2})$/);
  if (!m) return null;
  const h = Number(m[1]);
  const min = m[2] === undefined ? 0 : Number(m[2]);
  if (h > 23 || min > 59) return null;
  return `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
}
