import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/** The crypto under the worker's libsrtp. */
export type SrtpCrypto = 'openssl' | 'nss' | 'mbedtls' | 'builtin' | 'unknown';

export interface SrtpBackend {
  /** openssl: what infra/install.sh builds. nss: Debian's shared libsrtp2 (the fallback). */
  backend: SrtpCrypto;
  /** static: libsrtp linked into the worker; shared: a libsrtp*.so the worker loads. */
  linkage: 'static' | 'shared';
  /** The file libsrtp's code lives in (the worker itself, or the shared library). */
  library: string;
  /** libsrtp's own version string ("2.5.0"), when found. */
  version: string | null;
  /** The worker binary mediasoup spawns. */
  worker: string;
  /**
   * libsrtp carries GiaoBan's OpenSSL fast path (infra/mediasoup/libsrtp-openssl-fastpath.patch:
   * HMAC-SHA1 and AES-CM without OpenSSL 3.0's per-packet EVP re-initialisation).
   */
  fastPath: boolean;
  /** OpenSSL-backed. Anything else costs about twice as much per packet (docs/bench-sfu.md). */
  ok: boolean;
}

/** The fast-path patch renames libsrtp's HMAC ("hmac sha-1 authentication function, …"). */
const FAST_PATH_MARKER = 'OpenSSL SHA-1 fast path (GiaoBan)';

/**
 * libsrtp names each cipher after its crypto ("AES-128 counter mode using openssl",
 * crypto/cipher/aes_icm_*.c); the description strings are in .rodata, stripping keeps them.
 * Checked in this order: an OpenSSL build carries no other AES-CM implementation.
 */
const MARKERS: readonly (readonly [SrtpCrypto, string])[] = [
  ['openssl', 'counter mode using openssl'],
  ['nss', 'counter mode using NSS'],
  ['mbedtls', 'counter mode using mbedtls'],
  ['builtin', 'AES-128 integer counter mode'],
];

/** The worker binary mediasoup spawns (its own resolution: MEDIASOUP_WORKER_BIN or the package's). */
export function mediasoupWorkerBin(): string {
  const require = createRequire(import.meta.url);
  const lib = path.dirname(require.resolve('mediasoup'));
  // Worker.js is not in mediasoup's exports map; an absolute path loads the same module instance.
  const { workerBin } = require(path.join(lib, 'Worker.js')) as { workerBin: string };
  return workerBin;
}

/** The shared libsrtp the dynamic linker would load for `bin`, if any (ldd). */
function sharedSrtp(bin: string): string | null {
  let out: string;
  try {
    out = execFileSync('ldd', [bin], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null; // not dynamic, or no ldd: libsrtp can only be inside the binary
  }
  const m = /^\s*libsrtp\S*\.so\S*\s+=>\s+(\S+)/m.exec(out);
  return m ? m[1]! : null;
}

/**
 * What SRTP crypto a mediasoup worker binary uses, from the binary itself (and the shared
 * libsrtp it links, if any): robust against a binary copied in by hand, unlike a marker file.
 */
export function srtpBackendOf(worker: string): SrtpBackend {
  const shared = sharedSrtp(worker);
  const library = shared ?? worker;
  const bytes = readFileSync(library);
  const backend = MARKERS.find(([, s]) => bytes.includes(s))?.[0] ?? 'unknown';
  // srtp_get_version_string(): "libsrtp2 2.5.0" (PACKAGE_STRING).
  const version = /libsrtp\d? (\d+\.\d+\.\d+)/.exec(bytes.toString('latin1'))?.[1] ?? null;
  return {
    backend,
    linkage: shared ? 'shared' : 'static',
    library,
    version,
    worker,
    fastPath: backend === 'openssl' && bytes.includes(FAST_PATH_MARKER),
    ok: backend === 'openssl',
  };
}

/** The warning `npm start` prints and logs when the worker's SRTP is not OpenSSL-backed. */
export function srtpWarning(s: SrtpBackend): string | null {
  if (s.ok && s.fastPath) return null;
  if (s.ok)
    return (
      `CẢNH BÁO / WARNING: mediasoup-worker dùng SRTP qua OpenSSL nhưng thiếu bản vá tăng tốc ` +
      `(${s.library}) / SRTP through OpenSSL without GiaoBan's fast path (an older build): more ` +
      'CPU per packet. Re-run `bash infra/install.sh`; see docs/bench-sfu.md.'
    );
  return (
    `CẢNH BÁO / WARNING: mediasoup-worker dùng SRTP qua ${s.backend} (${s.linkage}, ${s.library}), ` +
    `không phải OpenSSL: khoảng một nửa số luồng mỗi lõi / SRTP crypto is ${s.backend}, not OpenSSL: ` +
    'about half the consumers per core. Re-run `bash infra/install.sh` (it builds libsrtp2 from ' +
    "Debian's source package on OpenSSL); see docs/bench-sfu.md."
  );
}
