import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A local certificate authority and server certificates, made with Debian's
 * `openssl` command (installed everywhere, the same tool the docs use to make a
 * CSR for the province's own CA, and nothing to keep up to date in npm). RSA 2048
 * keys: every Windows, Android and hardware endpoint accepts them.
 */
export interface LocalCaFiles {
  dir: string;
  caCert: string;
  caKey: string;
  cert: string;
  key: string;
}

export function localCaFiles(dir: string): LocalCaFiles {
  return {
    dir,
    caCert: path.join(dir, 'ca.crt'),
    caKey: path.join(dir, 'ca.key'),
    cert: path.join(dir, 'server.crt'),
    key: path.join(dir, 'server.key'),
  };
}

/** The names a server certificate covers: PUBLIC_URL's host, extra names, always localhost. */
export function certificateNames(publicUrl: string | undefined, extra: string[]): string[] {
  const names = [
    ...(publicUrl ? [new URL(publicUrl).hostname.replace(/^\[|\]$/g, '')] : []),
    ...extra,
    'localhost',
    '127.0.0.1',
  ];
  return [...new Set(names.map((n) => n.trim()).filter(Boolean))];
}

const openssl = async (args: string[]) => {
  try {
    await run('openssl', args);
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
};

/**
 * Creates the CA unless it exists (re-issuing a server certificate must not make
 * 151 communes install a new CA), then a server certificate for `names` signed by
 * it. Returns whether the CA is new.
 */
export async function issueLocalCertificates(
  dir: string,
  names: string[],
  o: { newCa?: boolean; caName?: string } = {},
): Promise<{ files: LocalCaFiles; caCreated: boolean }> {
  if (names.length === 0) throw new Error('no names for the server certificate');
  const f = localCaFiles(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const caCreated = o.newCa || !existsSync(f.caCert) || !existsSync(f.caKey);
  if (caCreated) {
    const stamp = new Date().toISOString().slice(0, 10);
    await openssl([
      'req',
      '-x509',
      '-new',
      '-nodes',
      '-newkey',
      'rsa:2048',
      '-sha256',
      '-days',
      '3650',
      '-keyout',
      f.caKey,
      '-out',
      f.caCert,
      '-subj',
      `/O=GiaoBan/CN=${o.caName ?? 'GiaoBan CA'} ${stamp}`,
      '-addext',
      'basicConstraints=critical,CA:TRUE,pathlen:0',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]);
    chmodSync(f.caKey, 0o600);
  }
  const san = names.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
  const csr = path.join(dir, 'server.csr');
  const ext = path.join(dir, 'server.ext');
  writeFileSync(
    ext,
    [
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${san}`,
      '',
    ].join('\n'),
  );
  await openssl([
    'req',
    '-new',
    '-nodes',
    '-newkey',
    'rsa:2048',
    '-keyout',
    f.key,
    '-out',
    csr,
    '-subj',
    `/O=GiaoBan/CN=${names[0]}`,
  ]);
  chmodSync(f.key, 0o600);
  // 825 days: the longest validity Apple and Android accept from any CA, local ones included.
  await openssl([
    'x509',
    '-req',
    '-sha256',
    '-in',
    csr,
    '-CA',
    f.caCert,
    '-CAkey',
    f.caKey,
    '-set_serial',
    `0x${Date.now().toString(16)}`,
    '-days',
    '825',
    '-extfile',
    ext,
    '-out',
    f.cert,
  ]);
  rmSync(csr, { force: true });
  rmSync(ext, { force: true });
  return { files: f, caCreated };
}

/** The subject alternative names of a certificate file (`DNS:x`, `IP Address:y`). */
export function subjectAltNames(pem: string | Buffer): string[] {
  return (new X509Certificate(pem).subjectAltName ?? '').split(', ').filter(Boolean);
}
