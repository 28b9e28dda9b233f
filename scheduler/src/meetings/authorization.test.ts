import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type ApiClient, type SchedulerTestApp } from '../testing/schedulerApp';

/**
 * Authorization matrix: every role at every tier against every action, with
 * cross-district attempts. Expected outcomes are written out literally (not
 * computed with the rules under test).
 */
const actors = [
  'u18904',
  'u452',
  'u44',
  'host452',
  'host450',
  'host44',
  'chihuy',
  'admin',
] as const;
type Actor = (typeof actors)[number];
// u18904: member of a commune in district 452 (Minh Hóa); u452/u44: members of the
// district and the province; host450 is a host of another district (Đồng Hới).

const targets = {
  ownCommune: [{ type: 'unit', unitId: '18904' }],
  otherDistrictCommune: [{ type: 'unit', unitId: '18853' }],
  district452: [{ type: 'unit', unitId: '452' }],
  wholeProvince: [{ type: 'subtree', unitId: '44' }],
  everyCommuneOf452: [{ type: 'tier', unitId: '452', tier: 'commune' }],
} as const;

const Y = 'allow' as const;
const N = 'deny' as const;
const createMatrix: Record<Actor, Record<keyof typeof targets, 'allow' | 'deny'>> = {
  u18904: {
    ownCommune: N,
    otherDistrictCommune: N,
    district452: N,
    wholeProvince: N,
    everyCommuneOf452: N,
  },
  u452: {
    ownCommune: N,
    otherDistrictCommune: N,
    district452: N,
    wholeProvince: N,
    everyCommuneOf452: N,
  },
  u44: {
    ownCommune: N,
    otherDistrictCommune: N,
    district452: N,
    wholeProvince: N,
    everyCommuneOf452: N,
  },
  host452: {
    ownCommune: Y,
    otherDistrictCommune: N,
    district452: Y,
    wholeProvince: N,
    everyCommuneOf452: Y,
  },
  host450: {
    ownCommune: N,
    otherDistrictCommune: Y,
    district452: N,
    wholeProvince: N,
    everyCommuneOf452: N,
  },
  host44: {
    ownCommune: Y,
    otherDistrictCommune: Y,
    district452: Y,
    wholeProvince: Y,
    everyCommuneOf452: Y,
  },
  chihuy: {
    ownCommune: Y,
    otherDistrictCommune: Y,
    district452: Y,
    wholeProvince: Y,
    everyCommuneOf452: Y,
  },
  admin: {
    ownCommune: Y,
    otherDistrictCommune: Y,
    district452: Y,
    wholeProvince: Y,
    everyCommuneOf452: Y,
  },
};

/** On a meeting of district 452 inviting its communes. */
const onMeetingOf452: Record<
  Actor,
  { see: boolean; manage: boolean; join: 'host' | 'member' | 'no' }
> = {
  u18904: { see: true, manage: false, join: 'member' },
  u452: { see: true, manage: false, join: 'member' }, // the organising unit
  u44: { see: false, manage: false, join: 'no' }, // members never reach down
  host452: { see: true, manage: true, join: 'host' },
  host450: { see: false, manage: false, join: 'no' }, // cross-district
  host44: { see: true, manage: true, join: 'host' },
  chihuy: { see: true, manage: true, join: 'host' },
  admin: { see: true, manage: true, join: 'host' },
};

describe('authorization matrix (role × action × tier)', () => {
  let app: SchedulerTestApp;
  const as = {} as Record<Actor, ApiClient>;
  const start = new Date(Date.now() + 3 * 86_400_000).toISOString();

  beforeAll(async () => {
    app = await startSchedulerApp();
    for (const a of actors) as[a] = await app.as(a);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('create: hosts only within their subtree; province host, commander and admin everywhere', async () => {
    const seen: string[] = [];
    for (const actor of actors) {
      for (const [target, selectors] of Object.entries(targets)) {
        const res = await as[actor].call('POST', '/meetings', {
          title: `${actor} → ${target}`,
          start,
          durationMinutes: 30,
          selectors,
        });
        const outcome = res.status === 201 ? Y : N;
        if (outcome === N) {
          expect([403], `${actor} ${target}`).toContain(res.status);
          expect(['FORBIDDEN', 'UNIT_OUT_OF_SCOPE']).toContain(res.body.error.code);
        }
        seen.push(`${actor}:${target}:${outcome}`);
      }
    }
    const expected = actors.flatMap((a) =>
      Object.keys(targets).map((t) => `${a}:${t}:${createMatrix[a][t as keyof typeof targets]}`),
    );
    expect(seen).toEqual(expected);
    // Denied creations wrote nothing.
    const allowed = expected.filter((e) => e.endsWith(':allow')).length;
    expect(app.scheduler.meetings.store.size).toBe(allowed);
  });

  it('see, manage and join a meeting of district 452 (cross-district attempts denied)', async () => {
    const created = await as.host452.call('POST', '/meetings/start-now', {
      title: 'Giao ban Minh Hóa',
      durationMinutes: 60,
      selectors: targets.everyCommuneOf452,
    });
    expect(created.status).toBe(201);
    const { meeting, occurrence } = created.body;
    expect(occurrence.status).toBe('open');
    const from = new Date(Date.now() - 3600_000).toISOString();
    const to = new Date(Date.now() + 3600_000).toISOString();

    for (const actor of actors) {
      const rule = onMeetingOf452[actor];
      const listed = await as[actor].call('GET', `/occurrences?from=${from}&to=${to}`);
      const ids = (listed.body.occurrences as { meetingId: string }[]).map((o) => o.meetingId);
      expect(ids.includes(meeting.id), `${actor} sees`).toBe(rule.see);
      const one = await as[actor].call('GET', `/occurrences/${occurrence.id}`);
      expect(one.status, `${actor} get`).toBe(rule.see ? 200 : 404);

      const session = await app.scheduler.sessions.verify(as[actor].token);
      const join = app.scheduler.gate.authorizeJoin(meeting.id, session);
      if (rule.join === 'no')
        await expect(join, `${actor} join`).rejects.toMatchObject({ code: 'NOT_INVITED' });
      else {
        const grant = await join;
        expect(grant.isHost, `${actor} isHost`).toBe(rule.join === 'host');
        expect(grant.occurrenceId).toBe(occurrence.id);
        expect(grant.invitedUnitIds).toHaveLength(15);
      }

      const edit = await as[actor].call('PATCH', `/occurrences/${occurrence.id}`, {
        title: `by ${actor}`,
      });
      const patch = await as[actor].call('PATCH', `/meetings/${meeting.id}`, {
        version: 999,
        title: 'x',
      });
      if (rule.manage) {
        expect(edit.status, `${actor} edit`).toBe(200);
        expect(patch.status, `${actor} patch`).toBe(409); // allowed, but the version is stale
      } else {
        expect([403, 404], `${actor} edit`).toContain(edit.status);
        expect([403, 404], `${actor} patch`).toContain(patch.status);
        expect((await as[actor].call('DELETE', `/meetings/${meeting.id}`)).status).toBe(403);
        expect(
          (await as[actor].call('POST', `/occurrences/${occurrence.id}/cancel`)).status,
        ).not.toBe(200);
      }
    }
    // Only managers' edits landed; the meeting is still active.
    const final = await as.host452.call('GET', `/occurrences/${occurrence.id}`);
    expect(final.body.occurrence.title).toBe('by admin');
    expect(final.body.occurrence.status).toBe('open');
  });

  it("units outside the caller's reach are named in the error; listing another district is refused", async () => {
    const res = await as.host450.call('POST', '/meetings', {
      title: 'Sang huyện khác',
      start,
      durationMinutes: 30,
      selectors: [
        { type: 'unit', unitId: '18853' },
        { type: 'unit', unitId: '18904' },
      ],
    });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'UNIT_OUT_OF_SCOPE',
      details: { unitIds: ['18904'] },
    });
    const from = new Date().toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    expect(
      (await as.host450.call('GET', `/occurrences?from=${from}&to=${to}&unitId=18904`)).status,
    ).toBe(403);
    expect(
      (await as.host44.call('GET', `/occurrences?from=${from}&to=${to}&unitId=18904`)).status,
    ).toBe(200);
    expect(
      (await as.u18904.call('GET', `/occurrences?from=${from}&to=${to}&unitId=18853`)).status,
    ).toBe(403);
  });

  it('only admins manage accounts and units; unauthenticated calls are refused', async () => {
    for (const actor of actors) {
      const res = await as[actor].call('GET', '/accounts');
      expect(res.status, actor).toBe(actor === 'admin' ? 200 : 403);
    }
    for (const actor of actors) {
      const res = await as[actor].call('PATCH', '/units/18904', { linkProfile: 'good' });
      expect(res.status, `${actor} edits a unit`).toBe(actor === 'admin' ? 200 : 403);
    }
    expect(app.scheduler.orgTree.get('18904')?.linkProfile).toBe('good');
    expect((await as.admin.call('PATCH', '/units/18904', { linkProfile: 'terrible' })).status).toBe(
      400,
    );
    expect((await as.admin.call('PATCH', '/units/NOPE', { name: 'x' })).status).toBe(404);
    const audit = await as.admin.call('GET', '/audit');
    expect(audit.body.entries[0]).toMatchObject({
      action: 'unit.update',
      target: '18904',
      username: 'admin',
    });
    const openapi = (await (await fetch(`${app.url}/api/openapi.json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/meetings',
        '/emergencies',
        '/attendance/{id}',
        '/auth/session',
        '/accounts/{id}/password',
      ]),
    );
    const anon = await fetch(`${app.url}/api/occurrences?from=x&to=y`);
    expect(anon.status).toBe(401);
  });
});
