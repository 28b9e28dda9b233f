import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';

/** Issue 11, item 14: every free-text field refuses NUL and lone surrogates (real redis-server). */
describe('free-text fields at the REST boundary', () => {
  let app: SchedulerTestApp;
  beforeAll(async () => {
    app = await startSchedulerApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses NUL and lone surrogates in titles, descriptions, messages and names', async () => {
    const host = await app.as('host452');
    const commander = await app.as('chihuy');
    const admin = await app.as('admin');
    const meeting = {
      title: 'Giao ban',
      start: new Date(Date.now() + 86_400_000).toISOString(),
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '18904' }],
    };
    const ok = await host.call('POST', '/meetings', meeting);
    expect(ok.status).toBe(201);
    const attempts: [typeof host, string, string, unknown][] = [
      [host, 'POST', '/meetings', { ...meeting, title: 'Giao\u0000ban' }],
      [host, 'POST', '/meetings', { ...meeting, title: 'Giao ban \ud800' }],
      [host, 'POST', '/meetings', { ...meeting, description: 'a\u0000' }],
      [host, 'POST', '/meetings/start-now', { ...meeting, title: '\udfffx' }],
      [host, 'PATCH', `/meetings/${ok.body.meeting.id}`, { version: 1, title: 'x\u0000' }],
      [commander, 'POST', '/emergencies', { title: 'Khẩn\u0000', selectors: meeting.selectors }],
      [commander, 'POST', '/emergencies', { message: 'lũ\ud800', selectors: meeting.selectors }],
      [admin, 'PATCH', '/units/18904', { name: 'Xã\u0000' }],
      [
        admin,
        'POST',
        '/accounts',
        {
          username: 'canbo1',
          displayName: 'Cán bộ\ud800',
          unitId: '18904',
          role: 'member',
          password: 'Mật-khẩu-dài-2026',
        },
      ],
    ];
    for (const [who, method, path, body] of attempts) {
      const res = await who.call(method, path, body);
      expect(res.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
    }
    expect((await host.call('GET', `/meetings/${ok.body.meeting.id}`)).body.meeting.title).toBe(
      'Giao ban',
    );
  });
});
