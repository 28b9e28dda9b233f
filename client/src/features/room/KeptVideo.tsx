import { useEffect, useRef, useState } from 'react';

/** A new track that never brings a frame (paused consumer) is shown anyway after this long. */
export const FIRST_FRAME_TIMEOUT_MS = 3_000;

type FrameVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (cb: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/**
 * Calls `cb` once `el` has a decoded frame to show: requestVideoFrameCallback
 * where the browser has it (Chrome 83+), else 'loadeddata'. Returns a cancel.
 */
function onFirstFrame(el: FrameVideo, cb: () => void): () => void {
  if (el.requestVideoFrameCallback) {
    const handle = el.requestVideoFrameCallback(cb);
    return () => el.cancelVideoFrameCallback?.(handle);
  }
  if (el.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA) {
    cb();
    return () => undefined;
  }
  el.addEventListener('loadeddata', cb, { once: true });
  return () => el.removeEventListener('loadeddata', cb);
}

/**
 * A tile's video that never goes black when its track changes (the stage at a
 * speaker change): the new track plays in a second, hidden element, and the
 * two swap only once the new one has decoded a frame; until then the previous
 * picture stays (the new element loads behind it, never hidden: Chrome pauses
 * muted autoplay videos it deems invisible). An element shows nothing before
 * its first frame (no background: the tile's avatar underneath shows
 * through), never a black rectangle.
 */
export function KeptVideo({ track }: { track: MediaStreamTrack | null }) {
  const ref0 = useRef<FrameVideo>(null);
  const ref1 = useRef<FrameVideo>(null);
  // Which element is in front, and which track each element plays.
  const [front, setFront] = useState(0);
  const [shown, setShown] = useState<[boolean, boolean]>([false, false]);
  const playing = useRef<[MediaStreamTrack | null, MediaStreamTrack | null]>([null, null]);
  const frontRef = useRef(0);

  useEffect(() => {
    const els = [ref0.current, ref1.current];
    const playingNow = playing.current;
    const cur = frontRef.current;
    if (playingNow[cur] === track) return;
    const show = (slot: number, on: boolean) =>
      setShown((s) => (s[slot] === on ? s : slot === 0 ? [on, s[1]] : [s[0], on]));
    if (!track) {
      // No video: both cleared, the avatar shows.
      for (const slot of [0, 1]) {
        const el = els[slot];
        if (el) el.srcObject = null;
        playingNow[slot] = null;
        show(slot, false);
      }
      return;
    }
    const back = 1 - cur;
    const el = els[back];
    if (!el) return;
    playingNow[back] = track;
    el.srcObject = new MediaStream([track]);
    // Autoplay (muted) starts it; asked explicitly too, as the element may sit behind another.
    void el.play()?.catch(() => undefined);
    let done = false;
    const swap = () => {
      if (done) return;
      done = true;
      show(back, true);
      frontRef.current = back;
      setFront(back);
      // The old element is emptied once the new one is in front (next paint).
      const old = els[cur];
      requestAnimationFrame(() => {
        if (frontRef.current !== back || !old) return;
        old.srcObject = null;
        playingNow[cur] = null;
        show(cur, false);
      });
    };
    const cancel = onFirstFrame(el, swap);
    const timer = setTimeout(swap, FIRST_FRAME_TIMEOUT_MS);
    return () => {
      cancel();
      clearTimeout(timer);
      if (!done) {
        el.srcObject = null;
        playingNow[back] = null;
      }
    };
  }, [track]);

  return (
    <>
      {[0, 1].map((slot) => (
        <video
          key={slot}
          ref={slot === 0 ? ref0 : ref1}
          className={`kept-video ${shown[slot] ? 'is-shown' : ''} ${front === slot ? 'is-front' : ''}`}
          autoPlay
          playsInline
          muted
          aria-hidden={front !== slot}
        />
      ))}
    </>
  );
}
