import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';
import type { AttendanceResponse, AttendanceRow } from '../api/attendance';

const MIN = 60_000;

describe('attendance per occurrence and unit (real redis-server)', () => {
  let app: SchedulerTestApp;
  let host44: ApiClient;
  let occurrenceId: string;
  let meetingId: string;
  let t0: number;

  beforeAll(async () => {
    app = await startSchedulerApp();
    host44 = await app.as('host44');
    const res = await host44.call('POST', '/meetings/start-now', {
      title: 'Giao ban toàn tỉnh',
      durationMinutes: 60,
      selectors: [
        { type: 'children', unitId: '44' },
        { type: 'tier', unitId: '452', tier: 'commune' },
        { type: 'unit', unitId: '18853' },
      ],
    });
    occurrenceId = res.body.occurrence.id;
    meetingId = res.body.meeting.id;
    t0 = Date.now() - 30 * MIN; // events are replayed as if the meeting began half an hour ago
  });
  afterAll(async () => {
    await app?.close();
  });

  const ev = (
    type: 'joined' | 'left' | 'audioOnly',
    unitId: string,
    endpointId: string,
    atMin: number,
    audioOnly = false,
    reconnect = false,
  ) => {
    const base = { meetingId, occurrenceId, unitId, endpointId, at: t0 + atMin * MIN };
    if (type === 'joined') app.scheduler.attendance.record({ ...base, type, audioOnly, reconnect });
    else if (type === 'left') app.scheduler.attendance.record({ ...base, type });
    else app.scheduler.attendance.record({ ...base, type, audioOnly });
  };
  const rowOf = (body: AttendanceResponse, unitId: string) =>
    body.rows.find((r) => r.unitId === unitId) as AttendanceRow;

  it('computes first join, last leave, minutes present and audio-only, reconnects', async () => {
    // Commune 18904 (Dân Hóa, mountain): joins with video, falls back to audio-only at 2',
    // drops at 5', comes back at 6' and leaves at 10'.
    ev('joined', '18904', 'a', 0);
    ev('audioOnly', '18904', 'a', 2, true);
    ev('left', '18904', 'a', 5);
    ev('joined', '18904', 'a2', 6, false, true);
    ev('left', '18904', 'a2', 10);
    // District 450 with two endpoints overlapping: present 1'–9' (union), audio-only only while both are.
    ev('joined', '450', 'x', 1, true);
    ev('joined', '450', 'y', 3, false);
    ev('left', '450', 'y', 7);
    ev('left', '450', 'x', 9);
    await app.scheduler.attendance.flush();

    const res = await host44.call('GET', `/attendance/${occurrenceId}`);
    expect(res.status).toBe(200);
    const body = res.body as AttendanceResponse;
    expect(rowOf(body, '18904')).toMatchObject({
      invited: true,
      firstJoinAt: new Date(t0).toISOString(),
      lastLeaveAt: new Date(t0 + 10 * MIN).toISOString(),
      minutesPresent: 9,
      minutesAudioOnly: 3,
      reconnects: 1,
      present: false,
    });
    expect(rowOf(body, '450')).toMatchObject({
      minutesPresent: 8,
      minutesAudioOnly: 4,
      reconnects: 0,
    });
    expect(rowOf(body, '18907')).toMatchObject({
      invited: true,
      firstJoinAt: null,
      minutesPresent: 0,
    });
    expect(body.rows).toHaveLength(8 + 15 + 1 + 1); // districts, 452 communes, 18853, the province itself
  });

  it('counts a unit still connected up to now', async () => {
    ev('joined', '18853', 'z', 20);
    await app.scheduler.attendance.flush();
    const row = rowOf((await host44.call('GET', `/attendance/${occurrenceId}`)).body, '18853');
    expect(row.present).toBe(true);
    expect(row.minutesPresent).toBeGreaterThanOrEqual(10);
    expect(row.minutesPresent).toBeLessThan(10.2);
  });

  it('shows a district host its own units, the province all, a member only itself', async () => {
    const district = (await (await app.as('host452')).call('GET', `/attendance/${occurrenceId}`))
      .body as AttendanceResponse;
    expect(
      district.rows.map((r) => r.unitId).every((u) => u === '452' || u.startsWith('189')),
    ).toBe(true);
    expect(district.rows).toHaveLength(1 + 15);
    const member = (await (await app.as('u18904')).call('GET', `/attendance/${occurrenceId}`))
      .body as AttendanceResponse;
    expect(member.rows.map((r) => r.unitId)).toEqual(['18904']);
    expect((await (await app.as('u18856')).call('GET', `/attendance/${occurrenceId}`)).status).toBe(
      404,
    );
  });

  it('exports CSV with Vietnamese names', async () => {
    const res = await fetch(`${app.url}/api/attendance/${occurrenceId}/csv`, {
      headers: { authorization: `Bearer ${host44.token}` },
    });
    expect(res.headers.get('content-type')).toMatch(/text\/csv/);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // BOM: spreadsheets read UTF-8
    const lines = bytes.subarray(3).toString('utf8').trim().split('\r\n');
    expect(lines[0]).toMatch(/^occurrence_id,meeting_title/);
    expect(lines).toHaveLength(1 + 25);
    expect(lines.find((l) => l.includes('"18904"'))).toContain('"Xã Dân Hóa"');
    expect(lines.find((l) => l.includes('"18904"'))).toMatch(/"9","3","1","false","false","0"$/);
    // Times in Vietnam wall-clock time, year first (no spreadsheet reads 07/12 as July).
    const report = (await host44.call('GET', `/attendance/${occurrenceId}`))
      .body as AttendanceResponse;
    const first = rowOf(report, '18904')?.firstJoinAt as string;
    const vn = new Date(Date.parse(first) + 7 * 3600_000).toISOString();
    expect(lines[0]).toContain('first_join_vn');
    expect(lines.find((l) => l.includes('"18904"'))).toContain(
      `"${vn.slice(0, 10)} ${vn.slice(11, 19)}"`,
    );
  });

  it('survives a restart of redis-server and the app', async () => {
    const before = (await host44.call('GET', `/attendance/${occurrenceId}`))
      .body as AttendanceResponse;
    await app.restart();
    host44 = await app.as('host44');
    const after = (await host44.call('GET', `/attendance/${occurrenceId}`))
      .body as AttendanceResponse;
    expect(rowOf(after, '18904')).toEqual(rowOf(before, '18904'));
    expect(rowOf(after, '450')).toEqual(rowOf(before, '450'));
  });
});
