import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import type { Backend } from './srtpCurve';

/**
 * SRTP cost by attribution: `perf record` (software cpu-clock, so it works in this VM
 * without hardware counters) samples the worker during a measurement window, and the
 * share of its samples that fall in SRTP code, times the worker's CPU over the window,
 * divided by the packets delivered, is the SRTP µs per packet — measured inside one
 * window of one worker, not as the difference of two windows (on − off), whose total
 * cost wanders by ±2 µs from window to window on this VM while SRTP is ~1 µs of it.
 *
 * SRTP code is libsrtp (its functions: srtp_*, bitvector_*, v128_*, octet_string_* in the
 * OpenSSL worker, which links it statically; libsrtp2.so in the NSS one), mediasoup's
 * wrapper (RTC::SrtpSession) and the crypto library under it (libcrypto for OpenSSL; NSS's
 * libraries). In this bench nothing else in the worker calls the crypto library: the
 * transports are plain (no ICE, no DTLS), so SRTP owns every libcrypto sample, and the SRTP-off
 * worker, profiled alike, shows ~0 as a check. SRTCP (the receiver and sender reports of
 * each transport) is included: it is part of what SRTP costs per packet forwarded.
 */

export interface PerfCheck {
  ok: boolean;
  /** Why the attribution cannot run (perf missing, not permitted, worker without symbols). */
  reason?: string;
}

const SRTP_SYMBOL = /^(srtp_|bitvector_|v128_|octet_string_)|SrtpSession/;
const NSS_DSO = /^(libsrtp2\.so|libnss3\.so|libsoftokn3\.so|libfreebl(priv)?3\.so|libnssutil3\.so)/;

/** Whether a sample (its DSO and symbol as perf reports them) is SRTP work of `backend`'s worker. */
export function isSrtpSample(backend: Backend, dso: string, sym: string): boolean {
  const lib = basename(dso);
  const name = sym.replace(/^\[[.k]\]\s*/, '');
  if (backend === 'openssl') {
    if (/^libcrypto\.so/.test(lib)) return true;
    return lib.startsWith('mediasoup-worker') && SRTP_SYMBOL.test(name);
  }
  if (NSS_DSO.test(lib)) return true;
  return lib.startsWith('mediasoup-worker') && /SrtpSession/.test(name);
}

/**
 * perf is installed and the worker's SRTP code can be named: the OpenSSL worker links
 * libsrtp statically, so it needs its symbol table; the NSS one calls Debian's shared
 * libsrtp2 (its own wrapper, RTC::SrtpSession, then goes unnamed when it is stripped).
 */
export function checkPerf(workerBin: string, backend: Backend): PerfCheck {
  const perf = spawnSync('perf', ['--version'], { encoding: 'utf8' });
  if (perf.error || perf.status !== 0)
    return { ok: false, reason: 'perf is not installed (apt-get install linux-perf)' };
  const args = backend === 'openssl' ? [workerBin] : ['-D', workerBin];
  const nm = spawnSync('nm', args, { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (nm.status !== 0 || !/\bsrtp_protect\b/.test(nm.stdout))
    return {
      ok: false,
      reason:
        `${workerBin} has no symbol table (built before the install kept it): ` +
        'GIAOBAN_REBUILD_WORKER=1 bash infra/install.sh --worker-only',
    };
  return { ok: true };
}

/** SRTP's share of one profiled window. */
export interface SrtpShare {
  samples: number;
  srtpSamples: number;
  /** srtpSamples ÷ samples (NaN without samples). */
  share: number;
}

/** Parses `perf report -q -t '|' -n --sort dso,sym` lines: overhead | samples | dso | sym. */
export function shareOfReport(report: string, backend: Backend): SrtpShare {
  let samples = 0;
  let srtpSamples = 0;
  for (const line of report.split('\n')) {
    const f = line.split('|').map((x) => x.trim());
    if (f.length < 4) continue;
    const n = Number(f[1]);
    if (!Number.isFinite(n)) continue;
    samples += n;
    if (isSrtpSample(backend, f[2]!, f.slice(3).join('|'))) srtpSamples += n;
  }
  return { samples, srtpSamples, share: samples ? srtpSamples / samples : NaN };
}

/** One `perf record` of a worker over a window: start() at the window's start, stop() at its end. */
export class PerfWindow {
  #child: ChildProcess | undefined;
  #exited: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly hz: number,
  ) {}

  start(pid: number): void {
    const child = spawn(
      'perf',
      [
        'record',
        '-q',
        '-e',
        'cpu-clock',
        '-F',
        String(this.hz),
        '-p',
        String(pid),
        '-o',
        this.file,
      ],
      { stdio: 'ignore' },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  stop(): void {
    this.#child?.kill('SIGINT');
  }

  /** Waits for perf to write its file and reads the SRTP share out of it. */
  async share(backend: Backend): Promise<SrtpShare> {
    await this.#exited;
    const r = spawnSync(
      'perf',
      ['report', '-i', this.file, '--stdio', '-q', '-t', '|', '-n', '--sort', 'dso,sym'],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    if (r.status !== 0) throw new Error(`perf report failed: ${r.stderr}`);
    return shareOfReport(r.stdout, backend);
  }
}
