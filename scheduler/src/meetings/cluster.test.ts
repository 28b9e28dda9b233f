import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import type { SessionClaims } from '@giaoban/common/session';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { createScheduler, type Scheduler } from '../index';
import { RecordingNotifier } from '../testing/schedulerApp';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Two scheduler processes' worth of scheduler on one Redis (the cluster layout). */
describe('two schedulers sharing one redis-server', () => {
  let redis: TestRedis;
  let a: Scheduler;
  let b: Scheduler;
  const notifierA = new RecordingNotifier();
  const notifierB = new RecordingNotifier();
  const env = { REMINDER_LEAD_MIN: '0.05', OPEN_LEAD_MIN: '0.0334' };
  const host = async (s: Scheduler): Promise<SessionClaims> => {
    const account = await s.accounts.authenticate('host452', 'GiaoBan@2026');
    return s.sessions.verify((await s.sessions.issue(account)).token);
  };

  beforeAll(async () => {
    redis = await startTestRedis();
    const log = createLogger('test', 'silent');
    a = await createScheduler({ redis: redis.client(), log, seed: true, env });
    b = await createScheduler({ redis: redis.client(), log, seed: true, env });
    a.attachNotifier(notifierA);
    b.attachNotifier(notifierB);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await redis?.destroy();
  });

  it("shares sessions, sees each other's meetings at once and fires each job exactly once", async () => {
    const onA = await host(a);
    // A token issued by one process verifies in the other (secret in Redis).
    expect(
      (
        await b.sessions.verify(
          (await a.sessions.issue(await a.accounts.authenticate('u18904', 'GiaoBan@2026'))).token,
        )
      ).unitId,
    ).toBe('18904');

    const start = Date.now() + 4500;
    const { meeting } = await a.meetings.create(onA, {
      title: 'Họp liên máy',
      start: new Date(start).toISOString(),
      durationMinutes: 30,
      selectors: [{ type: 'unit', unitId: '18904' }],
    });
    await sleep(200);
    expect(b.meetings.store.get(meeting.id)?.meeting.title).toBe('Họp liên máy');
    const updated = await b.meetings.update(await host(b), meeting.id, {
      version: 1,
      title: 'Đã đổi tên',
    });
    expect(updated.meeting.version).toBe(2);
    await sleep(200);
    expect(a.meetings.store.get(meeting.id)?.meeting.title).toBe('Đã đổi tên');
    // Both processes planned the jobs; the deterministic job ids make it one reminder in all.
    await sleep(3000);
    const reminders = [
      ...notifierA.of('meeting:reminder'),
      ...notifierB.of('meeting:reminder'),
    ].filter((s) => (s.payload as { meetingId: string }).meetingId === meeting.id);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]?.payload).toMatchObject({ title: 'Đã đổi tên' });

    // An admin's unit edit on one process reaches the other's org tree.
    const unit = a.orgTree.get('18904');
    await a.orgTree.saveUnit({ ...unit!, linkProfile: 'good' });
    await redis.client().publish('gb:units:changed', '18904');
    await sleep(200);
    expect(b.orgTree.get('18904')?.linkProfile).toBe('good');
  });
});
