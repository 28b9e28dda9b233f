import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadScaledMs } from '../../../infra/test/loadScaled';
import { MAX_FEED_EVENTS } from '../calendar/calendarFeed';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The longest stall this test accepts: 100 ms on an idle machine, more when
 * it is loaded (see loadScaledMs). Before the fixes these requests held the
 * loop 17–38 s.
 */
const STALL_LIMIT_MS = loadScaledMs(100);

/** Runs `fn` and returns the longest event-loop stall meanwhile (ms) — the server runs in this process. */
async function stallDuring(fn: () => Promise<void>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  try {
    await fn();
  } finally {
    h.disable();
  }
  return h.max / 1e6;
}

describe('no request holds the event loop (issue 11, item 1; real redis-server)', () => {
  let app: SchedulerTestApp;
  let host: ApiClient;
  const start = Date.now() + 2 * DAY;

  beforeAll(async () => {
    app = await startSchedulerApp();
    host = await app.as('host452');
    // Warm, as a running server is: a fresh process compiles its routes on their first calls.
    for (let i = 0; i < 3; i++) {
      const warm = await host.call('POST', '/meetings', {
        title: 'Khởi động',
        start: iso(start + i * DAY),
        durationMinutes: 30,
        recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' },
        selectors: [{ type: 'unit', unitId: '452' }],
      });
      await host.call('PATCH', `/meetings/${warm.body.meeting.id}`, {
        version: warm.body.meeting.version,
        recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' },
      });
    }
  });
  afterAll(async () => {
    await app?.close();
  });

  it('refuses a recurrence rule with no session at once, on POST and PATCH', async () => {
    const body = {
      title: 'Ngày 31 tháng Hai',
      start: iso(start),
      durationMinutes: 60,
      recurrence: { rrule: 'FREQ=DAILY;BYMONTH=2;BYMONTHDAY=31' },
      selectors: [{ type: 'unit', unitId: '18904' }],
    };
    // Once unmeasured, so that its error path is compiled (before the fix, this alone took 17 s).
    expect((await host.call('POST', '/meetings', body)).status).toBe(400);
    let posted: { status: number; body: { error: { code: string } } } | undefined;
    const postStall = await stallDuring(async () => {
      // Two at once froze the server 38 s.
      const [a, b] = await Promise.all([
        host.call('POST', '/meetings', body),
        host.call('POST', '/meetings', body),
      ]);
      posted = a;
      expect(b.status).toBe(400);
    });
    expect(posted?.status).toBe(400);
    expect(posted?.body.error.code).toBe('RECURRENCE_EMPTY');
    expect(postStall).toBeLessThan(STALL_LIMIT_MS);

    const ok = await host.call('POST', '/meetings', { ...body, recurrence: null });
    expect(ok.status).toBe(201);
    let patched: { status: number; body: { error: { code: string } } } | undefined;
    const patchStall = await stallDuring(async () => {
      patched = await host.call('PATCH', `/meetings/${ok.body.meeting.id}`, {
        version: ok.body.meeting.version,
        recurrence: { rrule: 'FREQ=WEEKLY;BYMONTH=4;BYMONTHDAY=31;UNTIL=99991231T000000Z' },
      });
    });
    expect(patched?.status).toBe(400);
    expect(patched?.body.error.code).toBe('RECURRENCE_EMPTY');
    expect(patchStall).toBeLessThan(STALL_LIMIT_MS);
  });

  it('serves the calendar feed of a unit with many dense series without stalling', async () => {
    // 70 daily series for one commune: 8,500 occurrences in the feed's 122-day window.
    for (let i = 0; i < 70; i += 10) {
      const batch = Array.from({ length: 10 }, (_, k) =>
        host.call('POST', '/meetings', {
          title: `Giao ban ngày ${i + k} — ${'mô tả dài '.repeat(5)}`,
          description: 'Nội dung '.repeat(100),
          start: iso(Date.now() - 20 * DAY + (i + k) * 60_000),
          durationMinutes: 30,
          recurrence: { rrule: 'FREQ=DAILY' },
          selectors: [{ type: 'unit', unitId: '18904' }],
        }),
      );
      for (const r of await Promise.all(batch)) expect(r.status).toBe(201);
    }
    const member = await app.as('u18904');
    const url = (await member.call('GET', '/units/18904/calendar')).body.url as string;
    const feedUrl = url.replace(/^https?:\/\/[^/]+/, app.url);
    let ics = '';
    const stall = await stallDuring(async () => {
      // Health checks meanwhile must keep answering (they stalled 16.5 s).
      const [feed] = await Promise.all([
        fetch(feedUrl).then((r) => r.text()),
        fetch(`${app.url}/api/auth/session`),
      ]);
      ics = feed;
    });
    expect(ics).toMatch(/^BEGIN:VCALENDAR[\s\S]*END:VCALENDAR\r?\n?$/);
    expect(ics.match(/BEGIN:VEVENT/g)).toHaveLength(MAX_FEED_EVENTS);
    // Folded as RFC 5545 wants: no line over 75 octets.
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(stall).toBeLessThan(STALL_LIMIT_MS);

    // Polled again: served from the cache.
    const again = await stallDuring(async () => {
      expect(await (await fetch(feedUrl)).text()).toBe(ics);
    });
    expect(again).toBeLessThan(STALL_LIMIT_MS);

    // A province-wide listing of that many occurrences is refused, not computed for seconds.
    const host44 = await app.as('host44');
    const q = new URLSearchParams({ from: iso(Date.now()), to: iso(Date.now() + 91 * DAY) });
    let listed: { status: number; body: { error: { code: string } } } | undefined;
    const listStall = await stallDuring(async () => {
      listed = await host44.call('GET', `/occurrences?${q}`);
    });
    expect(listed?.status).toBe(400);
    expect(listStall).toBeLessThan(STALL_LIMIT_MS);
  });

  it('keeps exactly one calendar link per unit through concurrent rotations (item 9)', async () => {
    const member = await app.as('u18853');
    const first = (await member.call('GET', '/units/18853/calendar')).body.url as string;
    const rotated = await Promise.all(
      Array.from({ length: 19 }, () => member.call('POST', '/units/18853/calendar/rotate')),
    );
    const urls = [first, ...rotated.map((r) => r.body.url as string)];
    const current = (await member.call('GET', '/units/18853/calendar')).body.url as string;
    expect(urls).toContain(current);
    for (const u of urls) {
      const res = await fetch(u.replace(/^https?:\/\/[^/]+/, app.url));
      await res.arrayBuffer();
      expect(res.status, u === current ? 'the current link' : 'an old link').toBe(
        u === current ? 200 : 404,
      );
    }
    // The first link of a unit, asked for twice at once, is one link.
    const [a, b] = await Promise.all([
      host.call('GET', '/units/18907/calendar'),
      host.call('GET', '/units/18907/calendar'),
    ]);
    expect(a.body.url).toMatch(/\.ics$/);
    expect(b.body.url).toBe(a.body.url);
  });
});
