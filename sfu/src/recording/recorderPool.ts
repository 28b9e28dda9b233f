import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

/** An ffmpeg already started, waiting for its SDP on stdin; it writes to `output` (a symlink we place). */
export interface WarmRecorder {
  readonly child: ChildProcess;
  /** The path ffmpeg opens once its input is open: a symlink to the track's `.part`. */
  readonly output: string;
  alive(): boolean;
  stderr(): string;
}

/**
 * Recorder processes started ahead of need. Starting ffmpeg (loading its
 * libraries) took 0.3–1 s of a track's start on this loaded 2-core machine;
 * a warm process only has to read its SDP and bind its port. Each waits on
 * stdin; its output file is opened only after the input (ffmpeg opens
 * outputs after inputs), so a symlink placed at `output` just before the SDP
 * is written makes it write straight into the recording's folder.
 */
export class RecorderPool {
  readonly #ffmpeg: string;
  readonly #dir: string;
  readonly #size: number;
  readonly #pageMs: number;
  readonly #ready: WarmRecorder[] = [];
  #closed = false;

  constructor(o: { ffmpeg: string; root: string; size: number; pageMs: number }) {
    this.#ffmpeg = o.ffmpeg;
    this.#dir = path.join(o.root, '.warm');
    this.#size = o.size;
    this.#pageMs = o.pageMs;
    mkdirSync(this.#dir, { recursive: true });
    // Links left by a process that died: nothing reads them any more.
    for (const f of readdirSync(this.#dir)) rmSync(path.join(this.#dir, f), { force: true });
    this.#fill();
  }

  /** A warm recorder if one is ready, else one started now; the pool refills behind. */
  take(): WarmRecorder {
    let w: WarmRecorder | undefined;
    while ((w = this.#ready.shift()) && !w.alive());
    const out = w ?? this.#spawn();
    this.#fill();
    return out;
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#ready.splice(0)) w.child.kill('SIGKILL');
  }

  #fill(): void {
    while (!this.#closed && this.#ready.length < this.#size) this.#ready.push(this.#spawn());
  }

  #spawn(): WarmRecorder {
    const output = path.join(this.#dir, `${randomUUID()}.part`);
    // setpriv --pdeathsig: if this process dies, ffmpeg gets SIGINT and finalises its file.
    const child = spawn(
      'setpriv',
      ['--pdeathsig', 'INT', this.#ffmpeg, ...recorderArgs(output, this.#pageMs)],
      {
        stdio: ['pipe', 'ignore', 'pipe'],
      },
    );
    let alive = true;
    let stderr = '';
    child.once('exit', () => {
      alive = false;
      const i = this.#ready.findIndex((w) => w.child === child);
      if (i >= 0) this.#ready.splice(i, 1);
    });
    child.stdin?.on('error', () => undefined);
    child.stderr?.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-2000);
    });
    return { child, output, alive: () => alive, stderr: () => stderr };
  }
}

export function recorderArgs(output: string, pageMs: number): string[] {
  return [
    '-hide_banner',
    // Keys are never read from stdin: it carries the SDP.
    '-nostdin',
    // Nobody reads the progress line: not built every 500 ms.
    '-nostats',
    '-loglevel',
    'warning',
    '-protocol_whitelist',
    'pipe,udp,rtp',
    // The SDP says everything: no probing delay before the first page is written.
    '-analyzeduration',
    '0',
    '-probesize',
    '32',
    '-f',
    'sdp',
    '-i',
    'pipe:0',
    '-map',
    '0:a:0',
    '-c:a',
    'copy',
    '-y',
    '-f',
    'ogg',
    // Pages of `pageMs` (recordingEncoding), flushed as written.
    '-page_duration',
    String(pageMs * 1000),
    '-flush_packets',
    '1',
    output,
  ];
}
