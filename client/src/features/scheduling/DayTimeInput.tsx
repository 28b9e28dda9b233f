import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { parseDay, parseTime, showDay } from '../i18n/dateTime';

interface Kind {
  parse(text: string): string | null;
  show(value: string): string;
  placeholder: string;
  hint: 'form.dateHint' | 'form.timeHint';
  error: 'form.badDate' | 'form.badTime';
}

const kinds: Record<'day' | 'time', Kind> = {
  day: {
    parse: parseDay,
    show: showDay,
    placeholder: 'dd/mm/yyyy',
    hint: 'form.dateHint',
    error: 'form.badDate',
  },
  time: {
    parse: parseTime,
    show: (v) => v,
    placeholder: 'hh:mm',
    hint: 'form.timeHint',
    error: 'form.badTime',
  },
};

/**
 * A day (dd/mm/yyyy) or a time (24 h) typed as text. The browser's own
 * date and time pickers follow the browser's locale (mm/dd and AM/PM in an
 * English Chromium), so we read Vietnamese conventions ourselves. What the
 * person typed stays in the field until they change it: a bad value shows a
 * message and blocks the form, it is never dropped or replaced.
 *
 * `value` is "YYYY-MM-DD" / "HH:mm"; onChange gets '' while the text is not
 * a valid value, so the owner can refuse to save as well.
 */
export function DayTimeInput({
  id,
  kind,
  value,
  onChange,
  required = false,
  disabled = false,
  className,
}: {
  id: string;
  kind: 'day' | 'time';
  value: string;
  onChange(next: string): void;
  required?: boolean;
  disabled?: boolean;
  className?: string;
}) {
  const { t } = useTranslation();
  const k = kinds[kind];
  const [text, setText] = useState(() => (value ? k.show(value) : ''));
  const [touched, setTouched] = useState(false);
  const ref = useRef<HTMLInputElement>(null);
  const bad = !disabled && text.trim() !== '' && k.parse(text) === null;
  const message = bad ? t(k.error) : '';

  // The owner may replace the value (a meeting loaded, a default): show it
  // unless the text already means the same thing (adjusted while rendering,
  // as React advises, rather than in an effect).
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    if (value && k.parse(text) !== value) setText(k.show(value));
  }

  // Re-applied on every render: the app's form-validity translator clears
  // custom messages on each input/change event.
  useEffect(() => {
    ref.current?.setCustomValidity(message);
  });

  const errorId = `${id}-err`;
  const hintId = `${id}-hint`;
  return (
    <>
      <input
        ref={ref}
        id={id}
        type="text"
        autoComplete="off"
        spellCheck={false}
        placeholder={k.placeholder}
        className={className}
        required={required}
        disabled={disabled}
        value={text}
        aria-invalid={bad && touched ? true : undefined}
        aria-describedby={bad && touched ? errorId : hintId}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const parsed = k.parse(next);
          if ((parsed ?? '') !== value) onChange(parsed ?? '');
        }}
        onBlur={() => {
          setTouched(true);
          const parsed = k.parse(text);
          if (parsed) setText(k.show(parsed));
          ref.current?.setCustomValidity(parsed || text.trim() === '' ? '' : t(k.error));
        }}
        onInvalid={() => setTouched(true)}
      />
      <span id={hintId} className="visually-hidden">
        {t(k.hint)}
      </span>
      {bad && touched && (
        <p id={errorId} className="error-text field-error" role="alert">
          {message}
        </p>
      )}
    </>
  );
}
