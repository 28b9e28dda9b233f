import { useTranslation } from 'react-i18next';
import type { JoinMode } from './devicePrefs';
import type { MeasuredLink } from './linkMemory';

/**
 * What will happen on "Tham gia", in words: a device whose link was measured
 * good starts with video; any other joins with audio first and video comes
 * when the link allows it; audio-only sends and receives no video.
 */
export function JoinOutlook({ mode, measured }: { mode: JoinMode; measured: MeasuredLink }) {
  const { t } = useTranslation();
  const key =
    mode === 'audioOnly'
      ? 'prejoin.outlook.audioOnly'
      : measured === 'good'
        ? 'prejoin.outlook.videoNow'
        : measured === 'weak'
          ? 'prejoin.outlook.audioFirst'
          : 'prejoin.outlook.unmeasured';
  return (
    <p className={`join-outlook outlook-${key.split('.').pop()}`} role="status">
      {t(key)}
    </p>
  );
}
