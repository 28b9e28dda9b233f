import { useTranslation } from 'react-i18next';
import type { ClientErrorCode } from '../../app/api';
import { useErrorText } from './errorText';

/** A server or client error code as a translated, announced message. */
export function ErrorText({ code }: { code: ClientErrorCode }) {
  useTranslation();
  const text = useErrorText();
  return (
    <p role="alert" className="error-text" data-error-code={code}>
      {text(code)}
    </p>
  );
}
