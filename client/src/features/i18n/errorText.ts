import { useTranslation } from 'react-i18next';
import type { i18n as I18n } from 'i18next';
import type { ClientErrorCode } from '../../app/api';

/**
 * The translated message of an error code. A code the server added after this
 * client was built still shows a sensible message (the generic one), never a key.
 */
export function errorText(i18n: I18n, code: ClientErrorCode | string): string {
  const key = `errors.${code}`;
  return i18n.exists(key) ? i18n.t(key as 'errors.UNKNOWN') : i18n.t('errors.UNKNOWN');
}

export function useErrorText() {
  const { i18n } = useTranslation();
  return (code: ClientErrorCode | string) => errorText(i18n, code);
}
