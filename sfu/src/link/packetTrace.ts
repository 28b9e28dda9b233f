import fs from 'node:fs';
import path from 'node:path';

/** One traced packet as written (one JSON object a line): what UplinkFallDetector is fed, replayable in tests. */
export interface TracedPacket {
  /** audio (the microphone) or video (the camera). */
  k: 'audio' | 'video';
  ssrc: number;
  seq: number;
  /** RTP timestamp. */
  ts: number;
  /** Arrival at the worker, ms (mediasoup's trace time). */
  at: number;
  /** Payload bytes. */
  size?: number;
}

/**
 * LINK_TRACE_DIR (docs/weak-links.md "Audio first on a sudden fall"): every
 * packet the fall watch sees of one endpoint, appended to
 * `<dir>/<endpointId>.jsonl`, to replay real links in UplinkFallDetector's
 * tests. A diagnostic: off unless the directory is set.
 */
export class PacketTraceFile {
  readonly #out: fs.WriteStream;

  constructor(dir: string, endpointId: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.#out = fs.createWriteStream(path.join(dir, `${endpointId}.jsonl`), { flags: 'a' });
  }

  write(p: TracedPacket): void {
    this.#out.write(`${JSON.stringify(p)}\n`);
  }

  close(): void {
    this.#out.end();
  }
}
