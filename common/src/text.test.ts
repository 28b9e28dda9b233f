import { describe, expect, it } from 'vitest';
import { freeText, isCleanText } from './text';

describe('free text (issue 11, item 14)', () => {
  it('refuses NUL, other control characters and lone surrogates; keeps Vietnamese and emoji', () => {
    const title = freeText({ min: 1, max: 200 });
    expect(title.parse('  Giao ban tuần — Xã Dân Hóa 🙂 ')).toBe('Giao ban tuần — Xã Dân Hóa 🙂');
    for (const bad of ['a\u0000b', 'x\ud800', '\udc00y', 'a\u0007', 'two\nlines', 'a\u202877'])
      expect(title.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    const body = freeText({ max: 2000, multiline: true });
    expect(body.parse('dòng 1\r\n\tdòng 2')).toBe('dòng 1\r\n\tdòng 2');
    expect(body.safeParse('dòng 1\u0000').success).toBe(false);
    expect(body.safeParse('\ud83d').success).toBe(false);
    expect(isCleanText('🙂')).toBe(true);
  });
});
