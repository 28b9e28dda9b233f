import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import * as mediasoup from 'mediasoup';
import { mediasoupWorkerBin, srtpBackendOf, type SrtpBackend } from '@giaoban/sfu/srtpBackend';

/**
 * The two workers bench:sfu's SRTP part runs side by side: the one infra/install.sh builds
 * (libsrtp2 from Debian's source package on OpenSSL, static) and the old one on Debian's
 * shared, NSS-backed libsrtp2 (`bash infra/install.sh --worker-nss` caches it).
 */
export interface WorkerBins {
  openssl: { bin: string; srtp: SrtpBackend };
  nss: { bin: string; srtp: SrtpBackend };
}

const cacheDir = () =>
  process.env.GIAOBAN_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'giaoban');

/** The newest cached build of a variant (the OpenSSL one is `_openssl-<patch revision>`). */
function cached(variant: 'openssl' | 'nss'): string | undefined {
  const dir = cacheDir();
  if (!existsSync(dir)) return undefined;
  const re = new RegExp(
    `^mediasoup-worker-${mediasoup.version.replace(/\./g, '\\.')}_libsrtp2-.*_${variant}(-[0-9a-f]+)?$`,
  );
  const hit = readdirSync(dir)
    .filter((f) => re.test(f))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(a).mtimeMs - statSync(b).mtimeMs)
    .at(-1);
  return hit;
}

/** `--worker-openssl` / `--worker-nss` paths, else the installed worker (OpenSSL) and the cached NSS build. */
export function findWorkerBins(given: { openssl?: string; nss?: string }): WorkerBins {
  const installed = mediasoupWorkerBin();
  const opensslBin =
    given.openssl ?? (srtpBackendOf(installed).ok ? installed : undefined) ?? cached('openssl');
  const nssBin = given.nss ?? cached('nss');
  if (!opensslBin)
    throw new Error('no OpenSSL-backed worker: run `bash infra/install.sh --worker-only`');
  if (!nssBin)
    throw new Error('no NSS worker to compare with: run `bash infra/install.sh --worker-nss`');
  const openssl = { bin: opensslBin, srtp: srtpBackendOf(opensslBin) };
  const nss = { bin: nssBin, srtp: srtpBackendOf(nssBin) };
  if (openssl.srtp.backend !== 'openssl' || nss.srtp.backend !== 'nss')
    throw new Error(
      `workers are not what they claim: ${opensslBin} is ${openssl.srtp.backend}, ${nssBin} is ${nss.srtp.backend}`,
    );
  return { openssl, nss };
}

interface WorkerModule {
  workerBin: string;
}

/**
 * Runs `fn` (which creates workers) with mediasoup spawning `bin`: mediasoup reads the
 * exported `workerBin` of its Worker module at each spawn, so two binaries can live in one
 * process (MEDIASOUP_WORKER_BIN is read only once, at load).
 */
export async function withWorkerBin<T>(bin: string, fn: () => Promise<T>): Promise<T> {
  const require = createRequire(import.meta.url);
  const mod = require(
    path.join(path.dirname(require.resolve('mediasoup')), 'Worker.js'),
  ) as WorkerModule;
  const previous = mod.workerBin;
  mod.workerBin = bin;
  try {
    return await fn();
  } finally {
    mod.workerBin = previous;
  }
}
