import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEdgeConfig } from '../src/edge/edgeConfig';
import { renderTemplate } from '../src/edge/haproxyConfig';
import { checkHaproxyConfig } from '../src/edge/haproxyProcess';
import { writeHaproxyConfig } from '../src/edge/renderHaproxy';
import { makeTestCertificate } from '../lab/testCa';
import { envTemplatesDir, expandCommand, parseEnvFile, readUnit, unitsDir } from '../lab/unitFile';

const exec = promisify(execFile);
const analyzer = ['/usr/bin/systemd-analyze', '/bin/systemd-analyze'].find((p) => existsSync(p));
const units = readdirSync(unitsDir).filter((f) => f.endsWith('.service'));
const envOf = (file: string) =>
  parseEnvFile(readFileSync(path.join(envTemplatesDir, file), 'utf8'));

describe('infra/deploy: what a province installs', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'gb-deploy-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  // systemd-analyze comes with Debian's `systemd` package (in install.sh's APT_PKGS).
  it.skipIf(!analyzer)(
    'systemd-analyze verify accepts every unit (skipped only where systemd-analyze is not installed)',
    async () => {
      expect(units.sort()).toEqual([
        'giaoban-edge.service',
        'giaoban-redis.service',
        'giaoban-sfu.service',
        'giaoban-signaling.service',
        'giaoban-turn.service',
      ]);
      const r = await exec(analyzer!, ['verify', ...units.map((u) => path.join(unitsDir, u))], {
        timeout: 30_000,
      }).then(
        (x) => ({ code: 0, out: x.stdout + x.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({
          code: e.code ?? 1,
          out: `${e.stdout ?? ''}${e.stderr ?? ''}`,
        }),
      );
      // Unknown keys and missing executables are warnings on stderr, not only exit codes.
      expect(r).toEqual({ code: 0, out: '' });
    },
  );

  it("every unit's command finds each variable it uses in its environment files", () => {
    for (const name of units) {
      const unit = readUnit(name);
      const env = Object.assign(
        {},
        ...unit.environmentFiles.map((f) => envOf(path.basename(f))),
      ) as Record<string, string>;
      for (const words of [...unit.execStartPre, unit.execStart])
        expect(() => expandCommand(words, env), name).not.toThrow();
    }
  });

  it('edge.env as shipped renders a configuration HAProxy accepts (HTTPS, 80 → 443, TURN/TLS sharing 443)', async () => {
    const cert = await makeTestCertificate(path.join(tmp, 'tls'), { ips: ['10.10.0.10'], dns: [] });
    const cfg = loadEdgeConfig({ ...envOf('edge.env'), TLS_CERT: cert.cert, TLS_KEY: cert.key });
    const file = writeHaproxyConfig(cfg, path.join(tmp, 'run/haproxy.cfg'));
    await checkHaproxyConfig(file);
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('balance url_param meetingId');
    expect(text).toContain('hash-type consistent');
    expect(text).toContain('use_backend turn_tls if !{ req.ssl_alpn -m found }');
    // TURN's TLS ends in HAProxy (TLS 1.3), coturn gets plain TURN over TCP on its TURN port.
    expect(text).toMatch(/bind abns@giaoban-turn-tls accept-proxy ssl crt \S+/);
    expect(text).toContain('server coturn 127.0.0.1:3478');
    expect(text).not.toContain('server coturn 127.0.0.1:5349');
    expect(text).toMatch(
      /server sig-2 10\.10\.0\.32:8080 cookie sig-2 track signaling_meeting\/sig-2/,
    );
    // The key is in the PEM HAProxy reads, readable by its owner only.
    const pem = path.join(tmp, 'run/edge.pem');
    expect(readFileSync(pem, 'utf8')).toContain('PRIVATE KEY');
  });

  it("turn.env as shipped: the unit's ExecStartPre renders coturn's configuration with the hardening", async () => {
    const unit = readUnit('giaoban-turn.service');
    const env = envOf('turn.env');
    // The unit's own command, with its paths moved into a scratch folder.
    const run = path.join(tmp, 'run-turn');
    const [pre] = unit.execStartPre.map((w) =>
      expandCommand(w, env).map((x) => x.replace('/run/giaoban-turn', run)),
    );
    expect(pre!.slice(0, 4)).toEqual([
      '/usr/bin/node',
      '--import',
      'tsx',
      'infra/src/turn/coturnConfigMain.ts',
    ]);
    mkdirSync(run, { recursive: true });
    await exec(process.execPath, pre!.slice(1), {
      cwd: path.resolve(unitsDir, '../../..'),
      env: { PATH: process.env.PATH, ...env },
      timeout: 60_000,
    });
    const conf = readFileSync(path.join(run, 'turnserver.conf'), 'utf8').split('\n');
    for (const line of [
      'no-cli',
      'no-multicast-peers',
      'no-tcp-relay',
      'use-auth-secret',
      `static-auth-secret=${env.TURN_SECRET}`,
      'user-quota=16',
      'total-quota=1200',
      'denied-peer-ip=10.0.0.0-10.255.255.255',
      'allowed-peer-ip=10.10.0.21',
      'allowed-peer-ip=10.10.0.22',
      'relay-ip=10.10.0.10',
      'cert=/etc/giaoban/tls/server.crt',
      `pidfile=${run}/turnserver.pid`,
    ])
      expect(conf).toContain(line);
    expect(conf).not.toContain('allow-loopback-peers');
    // ExecStart reads the file ExecStartPre wrote.
    expect(unit.execStart).toEqual([
      '/usr/bin/turnserver',
      '-c',
      '/run/giaoban-turn/turnserver.conf',
    ]);
    // Signaling signs credentials with the secret coturn checks them with.
    expect(envOf('signaling.env').TURN_SECRET).toBe(env.TURN_SECRET);
    expect(envOf('signaling.env').TURN_URLS).toMatch(/turns:[^,]+:443\?transport=tcp/);
  });

  it('refuses half a TLS configuration, TURN sharing 443 without TLS, and a bad node list', () => {
    const base = { EDGE_SIGNALING_NODES: '10.0.0.1:8080' };
    expect(() => loadEdgeConfig({ ...base, TLS_CERT: '/x.crt' })).toThrow(/go together/);
    expect(() => loadEdgeConfig({ ...base, EDGE_TURN_TLS: '127.0.0.1:5349' })).toThrow(/TLS_CERT/);
    expect(() => loadEdgeConfig({ EDGE_SIGNALING_NODES: 'sig-1=nope' })).toThrow(
      /EDGE_SIGNALING_NODES/,
    );
    expect(loadEdgeConfig(base).EDGE_SIGNALING_NODES).toEqual([
      { name: 'sig-1', address: '10.0.0.1:8080' },
    ]);
  });

  it('the template language: values, nested blocks, and errors instead of blanks', () => {
    const t = [
      'a {{X}}',
      '{{#if Y}}',
      'y',
      '{{#unless Z}}',
      'not z',
      '{{/unless}}',
      '{{/if}}',
      '# {{ANY}}',
    ].join('\n');
    expect(renderTemplate(t, { X: '1', Y: 'on', Z: '' })).toBe('a 1\ny\nnot z\n# {{ANY}}');
    expect(renderTemplate(t, { X: '1', Y: '', Z: '' })).toBe('a 1\n# {{ANY}}');
    expect(() => renderTemplate('{{NOPE}}', {})).toThrow(/unknown variable NOPE/);
    expect(() => renderTemplate('{{#if X}}', { X: '' })).toThrow(/unclosed/);
  });
});
