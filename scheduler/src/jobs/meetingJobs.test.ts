import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(fn: () => T | undefined, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await sleep(50);
  }
}
const iso = (ms: number) => new Date(ms).toISOString();

/** Short timings: reminder 3 s before, room opens 2 s before, closes 1 s after the end. */
describe('meeting jobs (BullMQ on a real redis-server, short delays)', () => {
  let app: SchedulerTestApp;
  let host: ApiClient;
  beforeAll(async () => {
    app = await startSchedulerApp({
      REMINDER_LEAD_MIN: '0.05',
      OPEN_LEAD_MIN: '0.0334',
      CLOSE_GRACE_MIN: '0.0167',
    });
    host = await app.as('host452');
  });
  afterAll(async () => {
    await app?.close();
  });

  const createAt = async (start: number, title: string, durationMinutes = 5) => {
    const res = await host.call('POST', '/meetings', {
      title,
      start: iso(start),
      durationMinutes,
      selectors: [{ type: 'tier', unitId: '452', tier: 'commune' }],
    });
    expect(res.status).toBe(201);
    return res.body.meeting as { id: string };
  };
  const eventFor = (event: string, meetingId: string) =>
    app.notifier
      .of(event)
      .find((s) => (s.payload as { meetingId: string }).meetingId === meetingId);

  it('sends the reminder, then opens the room, to the invited units at the planned times', async () => {
    const t0 = Date.now();
    const start = Math.ceil((t0 + 6000) / 1000) * 1000;
    const m = await createAt(start, 'Giao ban nhắc lịch');
    const reminder = await until(() => eventFor('meeting:reminder', m.id));
    expect(reminder.at).toBeGreaterThanOrEqual(start - 3000 - 50);
    expect(reminder.at).toBeLessThan(start - 1500);
    expect(reminder.unitIds).toHaveLength(16); // 15 communes + the organising district
    expect(reminder.payload).toMatchObject({
      title: 'Giao ban nhắc lịch',
      kind: 'regular',
      startsAt: iso(start),
    });
    const opened = await until(() => eventFor('meeting:opened', m.id));
    expect(opened.at).toBeGreaterThanOrEqual(start - 2000 - 50);
    const session = await app.scheduler.sessions.verify((await app.as('u18904')).token);
    expect((await app.scheduler.gate.authorizeJoin(m.id, session)).title).toBe(
      'Giao ban nhắc lịch',
    );
  });

  it('closes the room after the end plus grace; joining is then refused', async () => {
    const end = Date.now() + 2500;
    const m = await createAt(end - 5 * 60_000, 'Đang họp');
    const session = await app.scheduler.sessions.verify((await app.as('u18904')).token);
    expect((await app.scheduler.gate.authorizeJoin(m.id, session)).occurrenceId).toContain(m.id);
    await until(() => eventFor('meeting:opened', m.id)); // late opening fires at once
    const closed = await until(() => eventFor('meeting:closed', m.id));
    expect(closed.at).toBeGreaterThanOrEqual(end + 1000 - 50);
    await expect(app.scheduler.gate.authorizeJoin(m.id, session)).rejects.toMatchObject({
      code: 'MEETING_NOT_OPEN',
    });
    const occurrenceId = (closed.payload as { occurrenceId: string }).occurrenceId;
    const record = await app.scheduler.jobs.occurrences.get(occurrenceId);
    expect(record.invitedUnitIds).toHaveLength(15);
    expect(record.openedAt && record.closedAt).toBeTruthy();
  });

  it('drops jobs of a moved or cancelled occurrence', async () => {
    const start = Date.now() + 5000;
    const moved = await createAt(start, 'Sẽ dời');
    const cancelled = await createAt(start, 'Sẽ hủy');
    const occ = (id: string) => `${id}.${Date.parse(iso(start))}`;
    expect(
      (await host.call('PATCH', `/occurrences/${occ(moved.id)}`, { start: iso(start + 3600_000) }))
        .status,
    ).toBe(200);
    expect((await host.call('POST', `/occurrences/${occ(cancelled.id)}/cancel`)).status).toBe(200);
    await sleep(4000);
    expect(eventFor('meeting:reminder', moved.id)).toBeUndefined();
    expect(eventFor('meeting:opened', moved.id)).toBeUndefined();
    expect(eventFor('meeting:reminder', cancelled.id)).toBeUndefined();
    // The units were told at once that the occurrence is off.
    expect(eventFor('meeting:cancelled', cancelled.id)?.unitIds).toHaveLength(16);
  });

  it('keeps delayed jobs across a restart of redis-server and the app; fires them once', async () => {
    const start = Date.now() + 7000;
    const m = await createAt(start, 'Qua khởi động lại');
    let delayedAfterRestart = 0;
    await app.restart(async (redis) => {
      // Before the app is back (and could plan again), the job is already in the replayed AOF.
      const ids = await redis.client().zrange('gb:bull:gb-meeting-jobs:delayed', '0', '-1');
      delayedAfterRestart = ids.filter((id) => id.includes(m.id)).length;
    });
    expect(delayedAfterRestart).toBe(3); // reminder, open, close
    const reminder = await until(() => eventFor('meeting:reminder', m.id));
    expect(reminder.at).toBeGreaterThanOrEqual(start - 3050);
    await sleep(800);
    expect(
      app.notifier
        .of('meeting:reminder')
        .filter((s) => (s.payload as { meetingId: string }).meetingId === m.id),
    ).toHaveLength(1);
  });
});
