import { execFile } from 'node:child_process';
import { createHash, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const exec = promisify(execFile);

export interface TestCertificate {
  readonly caCert: string;
  readonly cert: string;
  readonly key: string;
  /** base64 SHA-256 of the server key's SPKI: Chromium's --ignore-certificate-errors-spki-list. */
  readonly spki: string;
}

const openssl = async (args: string[]) => (await exec('openssl', args, { timeout: 20_000 })).stdout;

/**
 * A throw-away CA and a server certificate for the lab's edge (P-256, 2
 * days), made with the openssl CLI into `dir`: the names and addresses the
 * communes use go into subjectAltName. Written as server.crt (leaf + CA, the
 * chain a server sends) and server.key, where the edge's env file expects them.
 */
export async function makeTestCertificate(
  dir: string,
  names: { ips: string[]; dns: string[] },
): Promise<TestCertificate> {
  mkdirSync(dir, { recursive: true });
  const f = (n: string) => path.join(dir, n);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl(
    ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.crt')].concat([
      '-days',
      '2',
      '-subj',
      '/CN=GiaoBan lab CA',
    ]),
  );
  await openssl(
    ['req', ...ec, '-keyout', f('server.key'), '-out', f('server.csr')].concat([
      '-subj',
      `/CN=${names.dns[0] ?? names.ips[0] ?? 'giaoban'}`,
    ]),
  );
  const san = [...names.ips.map((i) => `IP:${i}`), ...names.dns.map((d) => `DNS:${d}`)].join(',');
  writeFileSync(
    f('ext.cnf'),
    `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`,
  );
  await openssl(
    ['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key')].concat([
      '-CAcreateserial',
      '-days',
      '2',
      '-extfile',
      f('ext.cnf'),
      '-out',
      f('leaf.crt'),
    ]),
  );
  writeFileSync(
    f('server.crt'),
    readFileSync(f('leaf.crt'), 'utf8') + readFileSync(f('ca.crt'), 'utf8'),
  );
  const pub = await openssl(['x509', '-pubkey', '-noout', '-in', f('leaf.crt')]);
  const der = createPublicKey(pub).export({ type: 'spki', format: 'der' });
  const spki = createHash('sha256').update(der).digest('base64');
  return { caCert: f('ca.crt'), cert: f('server.crt'), key: f('server.key'), spki };
}
