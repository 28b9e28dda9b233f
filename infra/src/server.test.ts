import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../test/app';
import { login } from '../../signaling/src/testing/clients';
import type { UnitNode, UnitsResponse } from '@giaoban/scheduler/api/units';

describe('all-in-one server', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '2' });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('reports redis and every worker healthy', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      status: string;
      redis: { ok: boolean };
      workers: { ok: boolean; pid: number }[];
      srtp: { backend: string; linkage: string; fastPath: boolean; ok: boolean };
    };
    expect(body.status).toBe('ok');
    expect(body.redis.ok).toBe(true);
    expect(body.workers).toHaveLength(2);
    expect(body.workers.every((w) => w.ok && w.pid > 0)).toBe(true);
    // The worker's SRTP crypto, read from the binary (NSS = the install's fallback).
    expect(body.srtp).toMatchObject({
      backend: 'openssl',
      linkage: 'static',
      fastPath: true,
      ok: true,
    });
  });

  it('serves the seeded Quảng Bình org tree to signed-in users only', async () => {
    const anonymous = await fetch(`${app.url}/api/units`);
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe(
      'UNAUTHENTICATED',
    );
    const token = await login(app.url, 'u18853');
    const res = await fetch(`${app.url}/api/units`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as UnitsResponse;
    expect(body.count).toBe(1 + 1 + 8 + 151);
    const province = body.tree.children[0] as UnitNode;
    expect(province.name).toBe('Tỉnh Quảng Bình');
    expect(province.children).toHaveLength(8);
    const communes = province.children.flatMap((d) => d.children);
    expect(communes).toHaveLength(151);
    const minhHoa = province.children.find((d) => d.id === '452');
    expect(minhHoa?.name).toBe('Huyện Minh Hóa');
    expect(minhHoa?.children.every((c) => c.linkProfile === 'poor')).toBe(true);
    expect(body.tiers.map((t) => t.id)).toEqual(['central', 'province', 'district', 'commune']);
  });

  it('exposes Prometheus metrics read from the live workers', async () => {
    const res = await fetch(`${app.url}/metrics`);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toMatch(/^giaoban_worker_up\{worker="0"\} 1$/m);
    expect(text).toMatch(/^giaoban_worker_up\{worker="1"\} 1$/m);
    expect(text).toMatch(/^giaoban_meetings_live 0$/m);
    expect(text).toMatch(/^giaoban_sockets 0$/m);
  });

  it('sends the app pre-compressed (hashed assets cached for good) and API answers deflated', async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    const js = /src="(\/assets\/index-[^"]+\.js)"/.exec(html)?.[1];
    expect(js, 'the built app shell names its entry script').toBeDefined();
    const br = await fetch(`${app.url}${js}`, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(br.status).toBe(200);
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    const source = await br.text();
    const plain = await fetch(`${app.url}${js}`, { headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(source);
    const token = await login(app.url, 'u18853');
    const units = await fetch(`${app.url}/api/units`, {
      headers: { 'accept-encoding': 'gzip', authorization: `Bearer ${token}` },
    });
    expect(units.headers.get('content-encoding')).toBe('gzip');
    expect(((await units.json()) as UnitsResponse).count).toBe(161);
  });

  it('answers unknown API paths with a coded JSON error', async () => {
    const res = await fetch(`${app.url}/api/nope`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('NOT_FOUND');
    expect(body.error.message).toMatch(/Không tìm thấy/);
  });

  it('turns 503 when a worker dies, and 200 again once it is replaced', async () => {
    const victim = app.workers.workers[1];
    expect(victim).toBeDefined();
    const oldPid = victim!.worker.pid;
    const replaced = new Promise<void>((resolve) => app.workers.once('replaced', () => resolve()));
    process.kill(oldPid, 'SIGKILL');
    // Between death and replacement the closed worker must show as unhealthy.
    await new Promise((r) => victim!.worker.observer.once('close', () => r(undefined)));
    const during = await fetch(`${app.url}/healthz`);
    await replaced;
    expect([200, 503]).toContain(during.status);
    const after = await fetch(`${app.url}/healthz`);
    expect(after.status).toBe(200);
    const body = (await after.json()) as { workers: { pid: number }[] };
    expect(body.workers[1]?.pid).not.toBe(oldPid);
  });
});
