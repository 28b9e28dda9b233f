/**
 * How a recording is written: the copied tracks' Ogg pages and the mix's
 * Opus. Chosen with `npm run bench:recording` (docs/recording.md, "Costs"),
 * which also runs `previousEncoding` side by side.
 */
export interface RecordingEncoding {
  /**
   * Ogg page duration of each copied track (ms). Each page costs 27 bytes
   * plus one per packet; pages are flushed to the file as written, so a hard
   * kill of the recorder (SIGKILL, power cut: no trailer) loses about two
   * pages. Longer pages would save bytes but misplace audio: Ogg stores one
   * time per page (its last sample), so the packets before a gap in the same
   * page (DTX, a muted microphone) are played as if they came just before
   * the packet after it. Measured with 1 s pages: a talkspurt's last second
   * moved by the DTX gap (~1 s) — 200 ms pages bound what can move.
   */
  pageMs: number;
  /**
   * The mix: Opus mono at this rate (RECORDING_MIX_KBPS), frame duration,
   * libopus complexity (0–10). The mix is for listening and seeking; each
   * unit's own track keeps its voice as sent. 9 kbit/s keeps 3 tracks + mix
   * of a meeting at the good-link rate (32 kbit/s) under 20 MB an hour.
   */
  mix: {
    kbps: number;
    frameMs: 20 | 40 | 60;
    complexity: number;
    /** constrained: the rate is kept on tonal sounds too (plain VBR overshoots it). */
    vbr: 'on' | 'constrained';
    /** Sample rate the tracks are decoded, aligned and summed at (the mix is wideband speech). */
    sampleRate: 16_000 | 48_000;
  };
}

export const recordingEncoding: RecordingEncoding = {
  pageMs: 200,
  mix: { kbps: 9, frameMs: 60, complexity: 5, vbr: 'constrained', sampleRate: 16_000 },
};

/** What issue 16 shipped first (200 ms pages, 20 ms frames at complexity 10, 48 kHz): the bench's "before". */
export const previousEncoding: RecordingEncoding = {
  pageMs: 200,
  mix: { kbps: 12, frameMs: 20, complexity: 10, vbr: 'on', sampleRate: 48_000 },
};
