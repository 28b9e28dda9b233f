import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';
import type { Occurrence } from '../api/meetings';

const DAY = 86_400_000;
/** Next Monday 00:00 in Vietnam (17:00 UTC Sunday), at least a day ahead. */
function nextVnMonday(): number {
  const vnNow = new Date(Date.now() + 7 * 3600_000 + DAY);
  const day = vnNow.getUTCDay();
  const monday = Date.UTC(
    vnNow.getUTCFullYear(),
    vnNow.getUTCMonth(),
    vnNow.getUTCDate() + ((8 - day) % 7),
  );
  return monday - 7 * 3600_000;
}
const iso = (ms: number) => new Date(ms).toISOString();

describe('meetings: recurrence, invitations, occurrences, conflicts (real redis-server)', () => {
  let app: SchedulerTestApp;
  let host452: ApiClient;
  let host44: ApiClient;
  const monday = nextVnMonday();

  beforeAll(async () => {
    app = await startSchedulerApp();
    host452 = await app.as('host452');
    host44 = await app.as('host44');
  });
  afterAll(async () => {
    await app?.close();
  });

  const list = async (client: ApiClient, from: number, to: number, unitId?: string) => {
    const q = new URLSearchParams({ from: iso(from), to: iso(to), ...(unitId ? { unitId } : {}) });
    const res = await client.call('GET', `/occurrences?${q}`);
    expect(res.status).toBe(200);
    return res.body.occurrences as Occurrence[];
  };

  it('expands a weekly rule in Vietnam time and resolves "all communes of district 452"', async () => {
    const res = await host452.call('POST', '/meetings', {
      title: 'Giao ban tuần Minh Hóa',
      start: iso(monday - 14 * DAY + 6 * 3600_000), // two Mondays back
      durationMinutes: 90,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4' },
      selectors: [{ type: 'tier', unitId: '452', tier: 'commune' }],
    });
    // The first start is in the past: still valid, a series may have begun already
    // (two of its four sessions are still ahead).
    expect(res.status).toBe(201);
    expect(res.body.meeting.invitedUnitIds).toHaveLength(15);

    // 06:00 on Monday in Vietnam is 23:00 UTC on Sunday: BYDAY must follow Vietnam.
    const start = monday + 6 * 3600_000;
    const weekly = await host452.call('POST', '/meetings', {
      title: 'Giao ban sáng thứ Hai',
      start: iso(start),
      durationMinutes: 60,
      recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=3' },
      selectors: [
        { type: 'tier', unitId: '452', tier: 'commune' },
        { type: 'unit', unitId: '452' },
      ],
    });
    expect(weekly.status).toBe(201);
    const occ = (await list(host452, monday - DAY, monday + 30 * DAY)).filter(
      (o) => o.meetingId === weekly.body.meeting.id,
    );
    expect(occ.map((o) => o.startsAt)).toEqual([0, 7, 14].map((d) => iso(start + d * DAY)));
    expect(occ.every((o) => new Date(o.startsAt).getUTCDay() === 0)).toBe(true); // Sunday in UTC
    expect(occ[0]?.invitedUnitIds).toHaveLength(16);
    expect(occ[0]?.status).toBe('scheduled');
    expect(occ[0]?.opensAt).toBe(iso(start - 10 * 60_000));
  });

  it('keeps current occurrences of a daily series that began years ago', async () => {
    const start = monday - 3 * 365 * DAY + 7 * 3600_000; // a Monday 07:00 three years back
    const res = await host452.call('POST', '/meetings', {
      title: 'Giao ban ngày (từ lâu)',
      start: iso(start),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY' },
      selectors: [{ type: 'unit', unitId: '452' }],
    });
    expect(res.status).toBe(201);
    const occ = (await list(host452, monday, monday + 7 * DAY)).filter(
      (o) => o.meetingId === res.body.meeting.id,
    );
    expect(occ).toHaveLength(7);
    expect(new Date(occ[0]?.startsAt as string).getUTCHours()).toBe(0); // 07:00 in Vietnam
  });

  it('resolves children and whole-province selectors', async () => {
    const res = await host44.call('POST', '/meetings', {
      title: 'Hội nghị toàn tỉnh',
      start: iso(monday + 14 * 3600_000),
      durationMinutes: 120,
      selectors: [{ type: 'subtree', unitId: '44' }],
    });
    expect(res.status).toBe(201);
    expect(res.body.meeting.invitedUnitIds).toHaveLength(1 + 8 + 151);
    const districts = await host44.call('POST', '/meetings', {
      title: 'Họp các huyện',
      start: iso(monday + 2 * DAY + 14 * 3600_000),
      durationMinutes: 60,
      selectors: [{ type: 'children', unitId: '44' }],
    });
    expect(districts.body.meeting.invitedUnitIds).toEqual([
      '450',
      '452',
      '453',
      '454',
      '455',
      '456',
      '457',
      '458',
    ]);
  });

  it('edits and cancels a single occurrence, leaving the others alone', async () => {
    const start = monday + DAY + 8 * 3600_000; // Tuesday 08:00
    const created = await host452.call('POST', '/meetings', {
      title: 'Giao ban ngày',
      start: iso(start),
      durationMinutes: 30,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=5' },
      selectors: [{ type: 'children', unitId: '452' }],
    });
    const id = created.body.meeting.id as string;
    const ids = [0, 1, 2, 3, 4].map((d) => `${id}.${start + d * DAY}`);
    const moved = await host452.call('PATCH', `/occurrences/${ids[1]}`, {
      start: iso(start + DAY + 2 * 3600_000),
      title: 'Giao ban (dời giờ)',
      selectors: [{ type: 'unit', unitId: '452' }],
    });
    expect(moved.status).toBe(200);
    expect(moved.body.occurrence).toMatchObject({
      edited: true,
      title: 'Giao ban (dời giờ)',
      invitedUnitIds: ['452'],
    });
    const cancelled = await host452.call('POST', `/occurrences/${ids[2]}/cancel`);
    expect(cancelled.body.occurrence.status).toBe('cancelled');

    const occ = (await list(host452, start - DAY, start + 6 * DAY)).filter(
      (o) => o.meetingId === id,
    );
    expect(occ.map((o) => [o.id, o.startsAt, o.status])).toEqual([
      [ids[0], iso(start), 'scheduled'],
      [ids[1], iso(start + DAY + 2 * 3600_000), 'scheduled'],
      [ids[2], iso(start + 2 * DAY), 'cancelled'],
      [ids[3], iso(start + 3 * DAY), 'scheduled'],
      [ids[4], iso(start + 4 * DAY), 'scheduled'],
    ]);
    expect(occ[0]?.invitedUnitIds).toHaveLength(15);
    // A commune of 452 no longer sees the moved occurrence (only the district is invited to it).
    const commune = await app.as('u18904');
    const seen = (await list(commune, start - DAY, start + 6 * DAY)).filter(
      (o) => o.meetingId === id,
    );
    expect(seen.map((o) => o.id)).toEqual([ids[0], ids[2], ids[3], ids[4]]);
    expect(
      (await host452.call('PATCH', `/occurrences/${id}.${start + 3600_000}`, { title: 'x' }))
        .status,
    ).toBe(404);
  });

  it('warns about conflicts for units already in an overlapping meeting', async () => {
    const start = monday + 3 * DAY + 9 * 3600_000;
    await host452.call('POST', '/meetings', {
      title: 'Họp phòng chống lũ',
      start: iso(start),
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '18904' }],
    });
    const clash = await host44.call('POST', '/meetings', {
      title: 'Tập huấn',
      start: iso(start + 30 * 60_000),
      durationMinutes: 60,
      selectors: [{ type: 'tier', unitId: '452', tier: 'commune' }],
    });
    expect(clash.status).toBe(201);
    expect(clash.body.conflicts).toHaveLength(1);
    expect(clash.body.conflicts[0]).toMatchObject({
      otherTitle: 'Họp phòng chống lũ',
      unitIds: ['18904'],
    });
    const noClash = await host44.call('POST', '/meetings', {
      title: 'Họp sau',
      start: iso(start + 3 * 3600_000),
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '18904' }],
    });
    expect(noClash.body.conflicts).toEqual([]);
  });

  it('updates with optimistic versions and cancels a series', async () => {
    const created = await host452.call('POST', '/meetings', {
      title: 'Họp A',
      start: iso(monday + 4 * DAY + 8 * 3600_000),
      durationMinutes: 60,
      selectors: [{ type: 'unit', unitId: '452' }],
    });
    const id = created.body.meeting.id as string;
    const ok = await host452.call('PATCH', `/meetings/${id}`, {
      version: 1,
      title: 'Họp B',
      durationMinutes: 45,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.meeting).toMatchObject({ title: 'Họp B', durationMinutes: 45, version: 2 });
    const stale = await host452.call('PATCH', `/meetings/${id}`, { version: 1, title: 'Họp C' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('CONFLICT');
    expect((await host452.call('GET', `/meetings/${id}`)).body.meeting.title).toBe('Họp B');
    const del = await host452.call('DELETE', `/meetings/${id}`);
    expect(del.body.meeting.status).toBe('cancelled');
    const occ = (await list(host452, monday, monday + 7 * DAY)).filter((o) => o.meetingId === id);
    expect(occ.map((o) => o.status)).toEqual(['cancelled']);
  });

  it('rejects bad input with a coded error and writes nothing', async () => {
    const keysBefore = await app.redis.client().dbsize();
    const before = app.scheduler.meetings.store.size;
    const bad = [
      {
        title: '',
        start: iso(monday),
        durationMinutes: 60,
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      {
        title: 'x',
        start: 'tomorrow',
        durationMinutes: 60,
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 2,
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      { title: 'x', start: iso(monday), durationMinutes: 60, selectors: [] },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        selectors: [{ type: 'unit', unitId: '99999' }],
      },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        selectors: [{ type: 'tier', unitId: '452', tier: 'thon' }],
      },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        recurrence: { rrule: 'FREQ=SECONDLY' },
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        recurrence: { rrule: 'garbage;;' },
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      {
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        recurrence: { rrule: 'DTSTART:20260101T000000Z\nRRULE:FREQ=DAILY' },
        selectors: [{ type: 'unit', unitId: '452' }],
      },
      {
        // The series would end before its first session: nothing to hold.
        title: 'x',
        start: iso(monday),
        durationMinutes: 60,
        recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=MO;UNTIL=20200101T000000Z' },
        selectors: [{ type: 'unit', unitId: '452' }],
      },
    ];
    for (const body of bad) {
      const res = await host452.call('POST', '/meetings', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('BAD_REQUEST');
      expect(res.body.error.message).toMatch(/không hợp lệ/);
    }
    const outOfScope = await host452.call('POST', '/meetings', {
      title: 'x',
      start: iso(monday),
      durationMinutes: 60,
      selectors: [{ type: 'tier', unitId: '44', tier: 'commune' }],
    });
    expect(outOfScope.status).toBe(403);
    expect(outOfScope.body.error.code).toBe('UNIT_OUT_OF_SCOPE');
    expect(app.scheduler.meetings.store.size).toBe(before);
    expect(await app.redis.client().dbsize()).toBe(keysBefore);
  });

  it('keeps meetings and occurrence edits across a restart of redis-server and the app', async () => {
    const before = await list(host44, monday - DAY, monday + 30 * DAY);
    expect(before.length).toBeGreaterThan(5);
    await app.restart();
    host44 = await app.as('host44');
    host452 = await app.as('host452');
    const after = await list(host44, monday - DAY, monday + 30 * DAY);
    expect(after).toEqual(before);
  });
});
