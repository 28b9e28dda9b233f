/**
 * Deterministic mutation of messages for the fuzz test: valid shapes taken
 * apart (keys dropped, added, retyped), values at and past their bounds, NUL
 * and lone surrogates in strings, and pure junk. Seeded, so a failure replays.
 */
export type Rand = () => number;

export function rng(seed: number): Rand {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const pick = <T>(rand: Rand, xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

const nasty = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0007',
  '🙂'.repeat(300),
  'ghost',
  '../../etc/passwd',
  '__proto__',
  '{"$ne":null}',
  '<script>alert(1)</script>',
];

/** A random value of any JSON-ish type (and a few that are not quite). */
export function junk(rand: Rand, depth = 0): unknown {
  switch (Math.floor(rand() * 11)) {
    case 0:
      return null;
    case 1:
      return Math.floor(rand() * 2 ** 40) * (rand() < 0.5 ? -1 : 1);
    case 2:
      // Big, but under the 64 KiB frame limit (a bigger frame cuts the socket: tested apart).
      return 'x'.repeat(Math.floor(rand() * (rand() < 0.2 ? 60_000 : 3_000)));
    case 3:
      return rand() < 0.5;
    case 4:
      return depth < 3 ? Array.from({ length: 3 }, () => junk(rand, depth + 1)) : [];
    case 5:
      return { __proto__: { polluted: true }, constructor: 'x' };
    case 6:
      return `ghost-${Math.floor(rand() * 1e6)}`;
    case 7:
      return depth < 3 ? { [pick(rand, nasty)]: junk(rand, depth + 1) } : {};
    case 8:
      return pick(rand, [1e308, -1e308, -0, 0.5, Number.MAX_SAFE_INTEGER + 2, -1]);
    case 9:
      return pick(rand, nasty);
    default:
      return '\u0000\uffff🙂'.repeat(Math.floor(rand() * 20));
  }
}

type Obj = Record<string, unknown>;

/** One mutation at a random place of a JSON value (objects and arrays are copied). */
export function mutateOnce(rand: Rand, value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object' || depth > 4 || rand() < 0.1) {
    if (typeof value === 'string' && rand() < 0.5) {
      const at = Math.floor(rand() * (value.length + 1));
      return value.slice(0, at) + pick(rand, nasty) + value.slice(at);
    }
    if (typeof value === 'number' && rand() < 0.5) return pick(rand, [value + 1, -value, 0, 1e9]);
    return junk(rand, depth);
  }
  if (Array.isArray(value)) {
    const copy = [...value];
    if (copy.length === 0 || rand() < 0.2) copy.push(junk(rand, depth + 1));
    else {
      const i = Math.floor(rand() * copy.length);
      if (rand() < 0.2) copy.splice(i, 1);
      else copy[i] = mutateOnce(rand, copy[i], depth + 1);
    }
    return copy;
  }
  const copy: Obj = { ...(value as Obj) };
  const keys = Object.keys(copy);
  const r = rand();
  if (keys.length === 0 || r < 0.15) copy[pick(rand, [...nasty, 'extra', 'id'])] = junk(rand);
  else {
    const k = pick(rand, keys);
    if (r < 0.3) delete copy[k];
    else copy[k] = mutateOnce(rand, copy[k], depth + 1);
  }
  return copy;
}

/** One to three mutations. */
export function mutate(rand: Rand, value: unknown): unknown {
  let v = value;
  const n = 1 + Math.floor(rand() * 3);
  for (let i = 0; i < n; i++) v = mutateOnce(rand, v);
  return v;
}

/** Recurrence rules: valid, empty, sparse, out of bounds, and garbage. */
export const rruleCorpus = [
  'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31',
  'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30;UNTIL=99991231T000000Z',
  'FREQ=WEEKLY;BYMONTH=4,6,9,11;BYMONTHDAY=31',
  'FREQ=MONTHLY;BYDAY=-60MO',
  'FREQ=MONTHLY;BYSETPOS=7;BYDAY=MO',
  'FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29',
  'FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO',
  'FREQ=YEARLY;BYYEARDAY=366',
  'FREQ=DAILY;INTERVAL=366',
  'FREQ=DAILY;INTERVAL=0',
  'FREQ=DAILY;COUNT=100000',
  'FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23',
  'FREQ=SECONDLY',
  'FREQ=DAILY;UNTIL=19700101T000000Z',
  'RRULE:FREQ=MONTHLY;BYMONTHDAY=-1',
  'FREQ=DAILY;WKST=XX',
  'FREQ=DAILY;BYDAY=+999MO',
  'FREQ=;;;=',
  'DTSTART:20200101T000000Z\nRRULE:FREQ=DAILY',
];

/** Rules to mutate character by character. */
export function mutateRule(rand: Rand): string {
  const base = pick(rand, rruleCorpus);
  if (rand() < 0.4) return base;
  const parts = base.split(';');
  const r = rand();
  if (r < 0.3) parts.push(pick(rand, ['BYMONTH=2', 'BYMONTHDAY=31', 'BYSETPOS=-9', 'COUNT=0']));
  else if (r < 0.6) parts.splice(Math.floor(rand() * parts.length), 1);
  else parts[0] = `${parts[0]}${pick(rand, ['0', '\u0000', '=', ',MO'])}`;
  return parts.join(';');
}
