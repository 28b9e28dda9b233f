import { execFileSync, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/** What the spinning sink counted for one run (see gensink.c). */
export interface SinkResult {
  sentInWindow: number;
  expected: number;
  delivered: number;
  late: number;
  loss: number;
  delayP50Us: number;
  delayP99Us: number;
  delayMaxUs: number;
  rtpArrivals: number;
  rtcpArrivals: number;
  sendErrors: number;
  windowMs: number;
  /** Video (VP8) packets that arrived inside the window (video is counted, not timed). */
  videoInWindow: number;
}

export interface GenTarget {
  port: number;
  ssrc: number;
  /** Consumers of this producer: packets the sink should see per packet sent (0 for video). */
  fanout: number;
  /** One packet every this many µs (default 20,000: an Opus frame). */
  periodUs?: number;
  /** audio: 100-byte Opus-like packets, timed; video: 1,100-byte VP8 frames, counted. */
  kind?: 'audio' | 'video';
}

export interface RunOptions {
  warmupMs: number;
  windowMs: number;
  /** A packet arriving later than this after its send time counts as lost. */
  lateMs: number;
}

const source = path.join(path.dirname(fileURLToPath(import.meta.url)), 'gensink.c');

/** Compiles gensink.c with the system cc (cached by source hash in the temp dir). */
export function compileGenSink(): { bin: string; cc: string } {
  const src = readFileSync(source);
  const hash = createHash('sha256').update(src).digest('hex').slice(0, 12);
  const bin = path.join(os.tmpdir(), `giaoban-gensink-${hash}`);
  const cc = execFileSync('cc', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? 'cc';
  if (!existsSync(bin))
    execFileSync('cc', ['-O2', '-Wall', '-o', bin, source], { stdio: 'inherit' });
  return { bin, cc };
}

/**
 * Drives the C generator + sink process, pinned with taskset to `cpu`. One run
 * at a time; the hooks fire when the measurement window opens and closes so the
 * caller can sample worker CPU over exactly that window.
 */
export class GenSink {
  readonly port: number;
  readonly #child: ChildProcessWithoutNullStreams;
  readonly #lines: AsyncIterator<string>;

  private constructor(
    child: ChildProcessWithoutNullStreams,
    port: number,
    lines: AsyncIterator<string>,
  ) {
    this.#child = child;
    this.port = port;
    this.#lines = lines;
  }

  static async start(bin: string, cpu: number): Promise<GenSink> {
    const child = spawn('taskset', ['-c', String(cpu), bin], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => process.stderr.write(`gensink: ${d.toString()}`));
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const first = await lines.next();
    const m = /^SINK (\d+)$/.exec(String(first.value ?? ''));
    if (first.done || !m) throw new Error(`gensink did not start: ${String(first.value)}`);
    return new GenSink(child, Number(m[1]), lines);
  }

  get pid(): number {
    return this.#child.pid ?? -1;
  }

  async run(
    targets: readonly GenTarget[],
    opts: RunOptions,
    hooks: { windowStart: () => void; windowEnd: () => void },
  ): Promise<SinkResult> {
    const cmd = [`RUN ${opts.warmupMs} ${opts.windowMs} ${opts.lateMs} ${targets.length}`];
    for (const t of targets)
      cmd.push(
        `${t.port} ${t.ssrc} ${t.fanout} ${t.periodUs ?? 20_000} ${t.kind === 'video' ? 1 : 0}`,
      );
    this.#child.stdin.write(cmd.join('\n') + '\n');
    for (;;) {
      const next = await this.#lines.next();
      if (next.done) throw new Error('gensink exited during a run');
      const line = String(next.value);
      if (line === 'WSTART') hooks.windowStart();
      else if (line === 'WEND') hooks.windowEnd();
      else if (line.startsWith('RESULT ')) return JSON.parse(line.slice(7)) as SinkResult;
    }
  }

  close(): void {
    if (this.#child.exitCode === null) this.#child.stdin.end('QUIT\n');
  }
}
