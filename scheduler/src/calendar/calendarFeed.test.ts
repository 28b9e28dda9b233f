import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';

describe('iCal feed per unit at a secret URL (real redis-server)', () => {
  let app: SchedulerTestApp;
  beforeAll(async () => {
    app = await startSchedulerApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it("serves the unit's occurrences to a calendar app, without login, until the link is rotated", async () => {
    const host = await app.as('host452');
    const start = Date.UTC(2030, 0, 7, 1, 0); // far ahead: 08:00 in Vietnam
    const created = await host.call('POST', '/meetings', {
      title: 'Giao ban tuần',
      description: 'Phòng họp trực tuyến',
      start: new Date(start).toISOString(),
      durationMinutes: 60,
      recurrence: { rrule: 'FREQ=DAILY;COUNT=3' },
      selectors: [{ type: 'tier', unitId: '452', tier: 'commune' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    await host.call('POST', `/occurrences/${created.body.meeting.id}.${start + 86_400_000}/cancel`);

    const member = await app.as('u18904');
    const link = await member.call('GET', '/units/18904/calendar');
    expect(link.status).toBe(200);
    const url = link.body.url as string;
    expect(url).toMatch(/\/api\/calendar\/[A-Za-z0-9_-]{20,}\.ics$/);
    expect((await (await app.as('u18853')).call('GET', '/units/18904/calendar')).status).toBe(403);
    expect((await host.call('GET', '/units/18904/calendar')).status).toBe(200);

    // The window is relative to now, so render the far-future series directly as well.
    const ics = (await app.scheduler.calendar.render('18904', start - 86_400_000)).toString();
    expect(ics).toMatch(/^BEGIN:VCALENDAR/);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(3);
    expect(ics).toContain('DTSTART:20300107T010000Z');
    expect(ics).toContain('SUMMARY:Giao ban tuần');
    expect(ics.match(/STATUS:CANCELLED/g)).toHaveLength(1);
    expect(
      (await app.scheduler.calendar.render('18853', start - 86_400_000)).toString(),
    ).not.toContain('BEGIN:VEVENT');

    const res = await fetch(url.replace(/^https?:\/\/[^/]+/, app.url));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/calendar/);
    expect(await res.text()).toMatch(/BEGIN:VCALENDAR[\s\S]*END:VCALENDAR/);

    const rotated = await member.call('POST', '/units/18904/calendar/rotate');
    expect(rotated.body.url).not.toBe(url);
    expect((await fetch(url.replace(/^https?:\/\/[^/]+/, app.url))).status).toBe(404);
    expect((await fetch(`${app.url}/api/calendar/not-a-token.ics`)).status).toBe(404);
  });
});
