import { describe, expect, it } from 'vitest';
import { initI18n } from './i18n';
import { translateFormValidity } from './formValidity';

describe('native form validation messages', () => {
  it('are in the app language, and clear when the user types', () => {
    initI18n('vi');
    translateFormValidity(document);
    document.body.innerHTML = '<form><input id="title" required /></form>';
    const input = document.getElementById('title') as HTMLInputElement;
    expect(input.checkValidity()).toBe(false);
    expect(input.validationMessage).toBe('Vui lòng điền mục này.');
    input.value = 'Giao ban';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    expect(input.checkValidity()).toBe(true);
    expect(input.validationMessage).toBe('');
  });
});
