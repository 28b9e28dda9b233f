import { useEffect, useRef } from 'react';
import type { RemoteTrack } from '../meeting/engineEvents';

/** Plays one remote audio track (video elements are muted; the voice comes from here). */
function AudioTrack({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
  }, [track]);
  return <audio ref={ref} autoPlay />;
}

export function RemoteAudio({ tracks }: { tracks: readonly RemoteTrack[] }) {
  return (
    <div hidden>
      {tracks
        .filter((t) => t.kind === 'audio')
        .map((t) => (
          <AudioTrack key={t.consumerId} track={t.track} />
        ))}
    </div>
  );
}
