import { useEffect, useRef } from 'react';

/** Plays one track: video in a tile, audio hidden (browsers mix the audio elements). */
export function MediaTrack({ track, muted = false }: { track: MediaStreamTrack; muted?: boolean }) {
  const ref = useRef<HTMLVideoElement & HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return track.kind === 'video' ? (
    <video ref={ref} autoPlay playsInline muted className="tile-video" />
  ) : (
    <audio ref={ref} autoPlay muted={muted} data-endpoint-audio />
  );
}
