import { describe, expect, it } from 'vitest';
import {
  formatDate,
  formatDateTime,
  formatDay,
  formatTime,
  parseDay,
  parseTime,
  showDay,
} from './dateTime';

// 2026-12-07 13:05 UTC = 20:05 Monday in Vietnam; 2026-12-07 18:30 UTC = 01:30 Tuesday.
const evening = '2026-12-07T13:05:00Z';
const pastMidnight = '2026-12-07T18:30:00Z';

describe('dates and times shown in Vietnamese conventions', () => {
  it('uses day/month/year and the 24-hour clock in Vietnam time, in both languages', () => {
    expect(formatTime(evening, 'vi')).toBe('20:05');
    expect(formatTime(evening, 'en')).toBe('20:05');
    expect(formatDate(evening, 'vi')).toBe('07/12/2026');
    expect(formatDate(evening, 'en')).toBe('07/12/2026');
    expect(formatDateTime(pastMidnight, 'vi')).toBe('08/12/2026 01:30');
    expect(formatDay(evening, 'vi')).toBe('Thứ Hai, 07/12/2026');
    expect(formatDay(evening, 'en')).toBe('Monday, 07/12/2026');
    expect(formatTime(Date.parse(evening), 'vi')).not.toMatch(/AM|PM|SA|CH/);
    expect(showDay('2026-12-07')).toBe('07/12/2026');
  });
});

describe('typed dates and times', () => {
  it('reads day first in the usual Vietnamese spellings', () => {
    expect(parseDay('07/12/2026')).toBe('2026-12-07');
    expect(parseDay(' 7/12/2026 ')).toBe('2026-12-07');
    expect(parseDay('07-12-2026')).toBe('2026-12-07');
    expect(parseDay('07.12.2026')).toBe('2026-12-07');
    expect(parseDay('07122026')).toBe('2026-12-07');
    expect(parseDay('29/02/2028')).toBe('2028-02-29');
  });

  it('refuses impossible or ambiguous dates instead of rolling them over', () => {
    for (const bad of [
      '31/02/2026',
      '29/02/2027',
      '12/13/2026',
      '00/01/2026',
      '2026-12-07',
      '7/12/26',
      'mai',
      '',
    ])
      expect(parseDay(bad), bad).toBeNull();
  });

  it('reads 24-hour times, with the "8h30" spelling', () => {
    expect(parseTime('08:00')).toBe('08:00');
    expect(parseTime('8:05')).toBe('08:05');
    expect(parseTime('8h')).toBe('08:00');
    expect(parseTime('8h30')).toBe('08:30');
    expect(parseTime('14.30')).toBe('14:30');
    expect(parseTime('1430')).toBe('14:30');
    expect(parseTime('23:59')).toBe('23:59');
  });

  it('refuses AM/PM and out-of-range times', () => {
    for (const bad of ['24:00', '8:60', '2:30 PM', '8:00 SA', '830', 'tám giờ', ''])
      expect(parseTime(bad), bad).toBeNull();
  });
});
