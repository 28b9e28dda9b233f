import { useTranslation } from 'react-i18next';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';

/**
 * Audio-only that the link machine decided, not the user: said in words, with
 * how video comes back (by itself, once the link has held up for a few
 * seconds). The "Chỉ âm thanh" button stays unpressed: it is the user's own
 * choice only, and pressing it keeps audio-only even when the link recovers.
 */
export function AutoAudioOnlyNotice({ notice }: { notice: LinkNotice | null }) {
  const { t } = useTranslation();
  if (!notice?.audioOnly || notice.forced) return null;
  // No transition yet: the join started audio first (link not measured good).
  const fell = notice.reason !== undefined;
  return (
    <p className="room-notice" role="status" data-auto-audio-only={fell ? 'fell' : 'start'}>
      {t(fell ? 'room.autoAudioOnly.fell' : 'room.autoAudioOnly.start')}
    </p>
  );
}
