import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmsc, type TestSmsc } from '../../../infra/test/smsc';
import type { ConveneResponse } from '../api/emergency';
import { createLogger } from '@giaoban/common/logger';
import { createScheduler } from '../index';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The escalation is a delayed job in Redis, not a timer: a scheduler restarted (with
 * its redis-server, AOF) between the convene and the unit's delay still sends the SMS,
 * once. The per-unit delay set by the admin wins over SMS_ESCALATE_AFTER_MIN.
 * Scheduler alone on a real redis-server; the SMSC is the `smpp` package's server.
 */
describe('SMS escalation across a scheduler restart (real redis-server, test SMSC)', () => {
  let app: SchedulerTestApp;
  let smsc: TestSmsc;
  let env: Record<string, string>;
  beforeAll(async () => {
    smsc = await startTestSmsc({ systemId: 'gb', password: 'pw' });
    env = {
      SMPP_URL: smsc.url,
      SMPP_SYSTEM_ID: 'gb',
      SMPP_PASSWORD: 'pw',
      SMPP_RECONNECT_MAX_S: '1',
      SMS_ESCALATE_AFTER_MIN: '60',
    };
    app = await startSchedulerApp(env);
  });
  afterAll(async () => {
    await app?.close();
    await smsc?.stop();
  }, 60_000);

  it('the per-unit delay holds and the SMS is sent once after a restart', async () => {
    const admin = await app.as('admin');
    const own = await admin.call('PUT', '/units/18913/phones', {
      numbers: ['0933333333'],
      escalateAfterMin: 0.1,
    });
    expect(own.body).toMatchObject({
      escalateAfterMin: 0.1,
      defaultEscalateAfterMin: 60,
      smsEnabled: true,
    });
    await admin.call('PUT', '/units/18916/phones', { numbers: ['0944444444'] });

    const chihuy = await app.as('chihuy');
    const res = await chihuy.call('POST', '/emergencies', {
      title: 'Bão số 5',
      selectors: [
        { type: 'unit', unitId: '18913' },
        { type: 'unit', unitId: '18916' },
      ],
    });
    expect(res.status).toBe(201);
    const { emergency } = res.body as ConveneResponse;
    await app.restart();
    expect(smsc.received).toHaveLength(0);

    const end = Date.now() + 25_000;
    while (smsc.received.length === 0 && Date.now() < end) await sleep(200);
    await sleep(3000);
    expect(smsc.received.map((s) => s.destination)).toEqual(['0933333333']);
    expect(smsc.received[0]!.text).toContain('Bão số 5');
    const again = await (await app.as('chihuy')).call('GET', `/emergencies/${emergency.id}`);
    const unit = (again.body.rollCall.units as { unitId: string; smsSentAt: string | null }[]).find(
      (u) => u.unitId === '18913',
    );
    expect(unit?.smsSentAt).not.toBeNull();
  }, 60_000);

  it('two scheduler processes on one Redis send one SMS per number', async () => {
    // A second scheduler (its own SMPP bind, job worker and Redis connections) beside the app's.
    const second = await createScheduler({
      redis: app.redis.client(),
      log: createLogger('test', 'silent'),
      seed: false,
      env,
    });
    try {
      const before = smsc.received.length;
      const admin = await app.as('admin');
      await admin.call('PUT', '/units/18919/phones', {
        numbers: ['0955555555', '0966666666'],
        escalateAfterMin: 0.05,
      });
      const chihuy = await app.as('chihuy');
      const res = await chihuy.call('POST', '/emergencies', {
        title: 'Lũ lớn',
        selectors: [{ type: 'unit', unitId: '18919' }],
      });
      expect(res.status).toBe(201);
      const end = Date.now() + 25_000;
      while (smsc.received.length < before + 2 && Date.now() < end) await sleep(200);
      await sleep(4000);
      expect(
        smsc.received
          .slice(before)
          .map((s) => s.destination)
          .sort(),
      ).toEqual(['0955555555', '0966666666']);
      expect(smsc.binds.filter((b) => b.ok).length).toBeGreaterThanOrEqual(3);
    } finally {
      await second.close();
    }
  }, 60_000);
});
