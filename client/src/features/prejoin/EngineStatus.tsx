import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { enginePercent, keepMeetingEngine, useEngine } from '../../app/meetingEngineCache';

/**
 * Whether the meeting engine is on the device (started behind the login form,
 * meetingEngineCache.ts; started here too for a page opened straight on the
 * pre-join screen). Until it is, the click would wait for a download: on GPRS
 * 11–16 s from the click to the first audio.
 */
export function useEngineReady(): boolean {
  useEffect(() => void keepMeetingEngine(), []);
  // A failed download never locks the user out: the click then loads on demand.
  return useEngine((s) => s.ready || s.failed);
}

/** The engine's download while it runs ("Đang tải bộ máy họp… 60 %"); nothing once it is here. */
export function EngineStatus() {
  const { t } = useTranslation();
  const progress = useEngine();
  if (progress.ready || progress.failed) return null;
  const pct = enginePercent(progress);
  return (
    <div className="engine-status" role="status">
      <span>{t('prejoin.engineLoading', { pct })}</span>
      <progress max={100} value={pct} aria-label={t('prejoin.engineLoadingLabel')} />
    </div>
  );
}
