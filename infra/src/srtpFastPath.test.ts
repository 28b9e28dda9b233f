import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

/**
 * GiaoBan's libsrtp2 fast path (infra/mediasoup/libsrtp-openssl-fastpath.patch: AES-CM
 * through AES-NI with the key schedule in the cipher's own block, HMAC-SHA1 from 20-byte
 * chaining values, one memory arena per SRTP session) against libsrtp2 built from the same
 * Debian source without the patch: the harness (infra/mediasoup/srtp-curve/) protects the
 * same packets (4 sessions × 61 payload lengths 0–300 bytes, sequence numbers across the
 * 16-bit wrap, AES_CM_128_HMAC_SHA1_80 and AEAD_AES_256_GCM) with each build and every
 * byte must match; each packet also round-trips through srtp_unprotect. A keystream, tag or
 * replay-state difference of one bit fails here. The worker links the patched library the
 * install builds; without it (the install fell back to Debian's NSS libsrtp2, said loudly),
 * there is nothing to compare and the test is skipped.
 */
const root = path.resolve(import.meta.dirname, '../..');
const cache =
  process.env.GIAOBAN_CACHE ??
  path.join(process.env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'giaoban');
const { giaoban } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  giaoban: { mediasoupVersion: string };
};
const patched = path.join(
  cache,
  `build-${giaoban.mediasoupVersion}-openssl`,
  'libsrtp',
  'prefix',
  'lib',
  'libsrtp2.a',
);

describe('libsrtp2 OpenSSL fast path', () => {
  it.skipIf(!existsSync(patched))(
    'protects byte for byte as unpatched libsrtp2 does, and round-trips',
    async () => {
      const { stdout } = await promisify(execFile)(
        'bash',
        [path.join(root, 'infra/mediasoup/srtp-curve/run.sh'), '-c'],
        { cwd: root, timeout: 300_000 },
      );
      expect(stdout).toMatch(/protected packets identical to unpatched libsrtp2 \(244 per suite\)/);
    },
    300_000,
  );
});
