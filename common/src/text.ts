import { z } from 'zod';

/**
 * Free text typed by people (titles, names, descriptions, chat): NUL and the
 * other control characters, and lone UTF-16 surrogates, are refused at the
 * boundary. They show as nothing or garbage, break the UTF-8 of logs, iCal
 * and CSV exports, and let one message look like another. Tab and line breaks
 * are kept where the field is multi-line.
 */
// Matching control characters is the point of these two.
// eslint-disable-next-line no-control-regex
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/;
// eslint-disable-next-line no-control-regex
const CONTROL_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Whether a string is text a person could have typed (see `freeText`). */
export function isCleanText(value: string, multiline = false): boolean {
  const control = multiline ? CONTROL_MULTILINE : CONTROL_SINGLE_LINE;
  return !control.test(value) && !LONE_SURROGATE.test(value);
}

/**
 * The one schema of every free-text field: trimmed, `min`–`max` characters,
 * no control characters (but tab and line breaks when `multiline`), no lone
 * surrogates.
 */
export function freeText(opts: { max: number; min?: number; multiline?: boolean }) {
  const { max, min = 0, multiline = false } = opts;
  return z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((v) => isCleanText(v, multiline), {
      message: multiline
        ? 'contains control characters or broken Unicode'
        : 'contains line breaks, control characters or broken Unicode',
    });
}
