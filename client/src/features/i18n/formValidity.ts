import i18next from 'i18next';

/**
 * The browser's own validation bubbles ("Please fill out this field.") speak
 * the language of the browser's UI, not the app's: an English Chromium showed
 * English on a Vietnamese form. Replace the messages of native constraints
 * with ours, and clear them as soon as the user edits the field.
 */
type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function isField(t: EventTarget | null): t is Field {
  return (
    t instanceof HTMLInputElement ||
    t instanceof HTMLSelectElement ||
    t instanceof HTMLTextAreaElement
  );
}

export function validityMessage(v: ValidityState): string | null {
  if (v.valueMissing) return i18next.t('form.required');
  if (v.tooShort) return i18next.t('form.tooShort');
  if (v.rangeUnderflow || v.rangeOverflow) return i18next.t('form.outOfRange');
  if (v.badInput || v.typeMismatch || v.patternMismatch) return i18next.t('form.invalid');
  return null;
}

export function translateFormValidity(doc: Document = document): void {
  doc.addEventListener(
    'invalid',
    (e) => {
      if (!isField(e.target)) return;
      const message = validityMessage(e.target.validity);
      if (message) e.target.setCustomValidity(message);
    },
    true,
  );
  const clear = (e: Event) => {
    if (isField(e.target)) e.target.setCustomValidity('');
  };
  doc.addEventListener('input', clear, true);
  doc.addEventListener('change', clear, true);
}
