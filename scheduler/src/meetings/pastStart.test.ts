import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';

const DAY = 86_400_000;
const HOUR = 3600_000;
const iso = (ms: number) => new Date(ms).toISOString();
const units = [{ type: 'unit', unitId: '452' }];

describe('meetings in the past are refused by the API (real redis-server)', () => {
  let app: SchedulerTestApp;
  let host: ApiClient;

  beforeAll(async () => {
    app = await startSchedulerApp();
    host = await app.as('host452');
  });
  afterAll(async () => {
    await app?.close();
  });

  const titles = async () => {
    const q = new URLSearchParams({
      from: iso(Date.now() - 30 * DAY),
      to: iso(Date.now() + 30 * DAY),
    });
    const res = await host.call('GET', `/occurrences?${q}`);
    return new Set((res.body.occurrences as { title: string }[]).map((o) => o.title));
  };

  it('refuses a one-off meeting that started an hour ago, in Vietnamese and English; nothing is saved', async () => {
    const res = await host.call('POST', '/meetings', {
      title: 'Họp đã qua',
      start: iso(Date.now() - HOUR),
      durationMinutes: 30,
      selectors: units,
    });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'START_IN_PAST',
      message: 'Thời gian bắt đầu đã qua; hãy chọn thời gian sắp tới.',
      messageEn: 'The start time has already passed; choose a time in the future.',
    });
    expect((await titles()).has('Họp đã qua')).toBe(false);
  });

  it('refuses a series whose sessions are all over, accepts one begun earlier with sessions ahead', async () => {
    const over = await host.call('POST', '/meetings', {
      title: 'Chuỗi đã xong',
      start: iso(Date.now() - 10 * DAY),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=3' },
      selectors: units,
    });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('START_IN_PAST');
    const running = await host.call('POST', '/meetings', {
      title: 'Chuỗi đang diễn ra',
      start: iso(Date.now() - 3 * DAY),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
      selectors: units,
    });
    expect(running.status).toBe(201);
  });

  it('accepts a start a minute ago (clock skew) and "meet now"', async () => {
    const late = await host.call('POST', '/meetings', {
      title: 'Vừa bắt đầu',
      start: iso(Date.now() - 60_000),
      durationMinutes: 30,
      selectors: units,
    });
    expect(late.status).toBe(201);
    const now = await host.call('POST', '/meetings/start-now', {
      title: 'Họp ngay',
      selectors: units,
    });
    expect(now.status).toBe(201);
  });

  it('lets a running series be renamed and its sessions edited, but not moved into the past', async () => {
    const start = Date.now() - 2 * DAY;
    const created = await host.call('POST', '/meetings', {
      title: 'Giao ban hằng ngày',
      start: iso(start),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
      selectors: units,
    });
    expect(created.status).toBe(201);
    const id = created.body.meeting.id as string;
    const startIso = created.body.meeting.start as string;

    // A session still ahead moves later; a past one is renamed in place.
    const ahead = `${id}.${start + 3 * DAY}`;
    const past = `${id}.${start}`;
    expect(
      (
        await host.call('PATCH', `/occurrences/${ahead}`, {
          start: iso(start + 3 * DAY + 2 * HOUR),
        })
      ).status,
    ).toBe(200);
    const renamed = await host.call('PATCH', `/occurrences/${past}`, {
      title: 'Biên bản buổi đầu',
    });
    expect(renamed.status).toBe(200);
    const intoPast = await host.call('PATCH', `/occurrences/${ahead}`, {
      start: iso(Date.now() - DAY),
    });
    expect(intoPast.status).toBe(400);
    expect(intoPast.body.error.code).toBe('START_IN_PAST');
    // Its own start again (unchanged) is not a move.
    expect(
      (await host.call('PATCH', `/occurrences/${past}`, { start: iso(start), title: 'Buổi đầu' }))
        .status,
    ).toBe(200);

    // The editor sends the whole form back: same start and rule, new title.
    const seen = (await host.call('GET', `/meetings/${id}`)).body.meeting.version as number;
    const edit = await host.call('PATCH', `/meetings/${id}`, {
      version: seen,
      title: 'Giao ban hằng ngày (sửa tên)',
      start: startIso,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
    });
    expect(edit.status).toBe(200);
    // …which keeps the single-session edits (they used to be dropped).
    const moved = await host.call('GET', `/occurrences/${ahead}`);
    expect(moved.body.occurrence).toMatchObject({
      edited: true,
      startsAt: iso(start + 3 * DAY + 2 * HOUR),
    });

    // Turning it into a one-off at its old (past) start is refused, and changes nothing.
    const oneOff = await host.call('PATCH', `/meetings/${id}`, {
      version: seen + 1,
      recurrence: null,
    });
    expect(oneOff.status).toBe(400);
    expect(oneOff.body.error.code).toBe('START_IN_PAST');
    const after = await host.call('GET', `/meetings/${id}`);
    expect(after.body.meeting).toMatchObject({
      version: seen + 1,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
    });
  });

  it('takes a start sent back to the minute (the form has no seconds) as unchanged', async () => {
    // A start with seconds, as "meet now" makes them: 2 days ago at hh:mm:37.
    const start = Math.floor((Date.now() - 2 * DAY) / 60_000) * 60_000 + 37_000;
    const created = await host.call('POST', '/meetings', {
      title: 'Họp ngay hằng ngày',
      start: iso(start),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
      selectors: units,
    });
    expect(created.status).toBe(201);
    const id = created.body.meeting.id as string;
    const minute = iso(start - 37_000);
    // The first (past) session is lengthened; the form sends its start without seconds.
    const first = `${id}.${start}`;
    const longer = await host.call('PATCH', `/occurrences/${first}`, {
      start: minute,
      durationMinutes: 45,
    });
    expect(longer.status).toBe(200);
    expect(longer.body.occurrence).toMatchObject({ id: first, startsAt: iso(start) });
    // The editor sends the whole form back, start to the minute: a rename, not a re-timing.
    const renamed = await host.call('PATCH', `/meetings/${id}`, {
      version: 2,
      title: 'Họp ngay hằng ngày (sửa tên)',
      start: minute,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=10' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body.meeting.start).toBe(iso(start));
    const kept = await host.call('GET', `/occurrences/${first}`);
    expect(kept.body.occurrence).toMatchObject({ edited: true, endsAt: iso(start + 45 * 60_000) });
  });
});
