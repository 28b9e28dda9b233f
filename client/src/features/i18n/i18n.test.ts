import '../../test/setup';
import { describe, expect, it } from 'vitest';
import i18next from 'i18next';
import { errorCodes } from '@giaoban/common/errors';
import { en } from './en';
import { vi } from './vi';
import { setLanguage } from './i18n';
import { errorText } from './errorText';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'string' ? [`${prefix}${k}`] : keys(v as object, `${prefix}${k}.`),
  );
}

describe('i18n', () => {
  it('translates every server error code in Vietnamese and English', () => {
    const missing = errorCodes.filter(
      (c) => !(c in vi.errors) || !(c in en.errors) || !vi.errors[c as keyof typeof vi.errors],
    );
    expect(missing).toEqual([]);
  });

  it('has the same keys in both languages, none empty', () => {
    expect(keys(en).sort()).toEqual(keys(vi).sort());
    const empty = keys(vi).filter((k) => !i18next.t(k as 'app.name', { lng: 'vi' }));
    expect(empty).toEqual([]);
  });

  it('counts read naturally in English; Vietnamese has one form', () => {
    const t = (count: number, lng: string) => i18next.t('room.participants', { count, lng });
    expect(t(1, 'en')).toBe('1 meeting point');
    expect(t(3, 'en')).toBe('3 meeting points');
    expect(t(1, 'vi')).toBe('1 điểm cầu');
    expect(t(3, 'vi')).toBe('3 điểm cầu');
  });

  it('starts in Vietnamese and remembers English on this device', () => {
    expect(i18next.language).toBe('vi');
    expect(errorText(i18next, 'INVALID_CREDENTIALS')).toBe(
      'Tên đăng nhập hoặc mật khẩu không đúng.',
    );
    setLanguage('en');
    expect(localStorage.getItem('giaoban.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
    expect(errorText(i18next, 'INVALID_CREDENTIALS')).toBe('Wrong username or password.');
    setLanguage('vi');
    expect(document.documentElement.lang).toBe('vi');
  });

  it('shows the generic message for a code this build does not know', () => {
    expect(errorText(i18next, 'SOME_FUTURE_CODE')).toBe(vi.errors.UNKNOWN);
  });
});
