import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';

/** After this long, a wait is explained (the same 6 s as index.html's placeholder). */
export const SLOW_AFTER_MS = 6000;

/**
 * "Đang tải…", and after a few seconds "the link is slow, please wait": on
 * EDGE or GPRS a screen or a list can take ten seconds and more, and a lone
 * "loading" that never changes reads as frozen.
 */
export function Loading({ className }: { className?: string }) {
  const { t } = useTranslation();
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSlow(true), SLOW_AFTER_MS);
    return () => clearTimeout(timer);
  }, []);
  return (
    <p role="status" className={className}>
      {t('app.loading')}
      {slow && (
        <>
          <br />
          <span className="muted">{t('app.slowLink')}</span>
        </>
      )}
    </p>
  );
}
