/**
 * Meetings are in Vietnam time whatever the browser's clock says (a host on a
 * laptop set to UTC must still schedule 08:00 Hà Nội time). Vietnam has kept
 * UTC+7 without daylight saving since 1975, so the offset is a constant.
 */
export const VN_OFFSET = '+07:00';
const offsetMs = 7 * 3600_000;

/** "2026-12-07" + "08:00" (Vietnam time) → "2026-12-07T08:00:00+07:00". */
export function vnInstant(date: string, time: string): string {
  return `${date}T${time}:00${VN_OFFSET}`;
}

/** An instant → its Vietnam date and time parts for form fields. */
export function vnParts(iso: string): { date: string; time: string } {
  const d = new Date(new Date(iso).getTime() + offsetMs).toISOString();
  return { date: d.slice(0, 10), time: d.slice(11, 16) };
}

/** The Vietnam calendar day of an instant, "YYYY-MM-DD". */
export function vnDay(iso: string | number | Date): string {
  return new Date(new Date(iso).getTime() + offsetMs).toISOString().slice(0, 10);
}
