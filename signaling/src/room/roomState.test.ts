import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import type { ResponseOf } from '../protocol/index';
import { connect, login, startMeeting, type TestClient } from '../testing/clients';
import { roomStateKeys } from './roomState';

type App = Awaited<ReturnType<typeof startTestApp>>;
type Joined = ResponseOf<'meeting:join'>;

async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: unknown }>) {
  const r = await p;
  if (!r.ok) throw new Error(JSON.stringify(r.error));
  return r.data;
}

/**
 * Room state in Redis, in the all-in-one (real redis-server, real workers):
 * it outlives the process (a restart on the same data finds chat, hand, mute,
 * floor and lock), follows a device that rejoins, is forgotten for a device
 * that left on purpose, and is dropped with the meeting.
 */
describe('room state in Redis (all-in-one)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'gb-roomstate-'));
  const open: TestClient[] = [];
  let app: App | undefined;
  const start = async () => {
    app = await startTestApp({ SFU_WORKERS: '1', DATA_DIR: dataDir });
    return app;
  };
  const client = async (url: string, token: string) => {
    const c = await connect(url, token);
    open.push(c);
    return c;
  };
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  let meetingId: string;
  let tokens: { host: string; a: string; b: string };
  /** a's socket on the restarted server. */
  let a2: TestClient;

  it('survives a restart of the all-in-one: chat, hand, host mute, floor and lock come back', async () => {
    const first = await start();
    tokens = {
      host: await login(first.url, 'host450'),
      a: await login(first.url, 'u18853'),
      b: await login(first.url, 'u18856'),
    };
    meetingId = await startMeeting(first.url, tokens.host, ['18853', '18856']);
    const h = await client(first.url, tokens.host);
    const a = await client(first.url, tokens.a);
    const b = await client(first.url, tokens.b);
    await ok(h.request('meeting:join', { meetingId, deviceId: 'dev-h' }));
    const ea = (await ok(a.request('meeting:join', { meetingId, deviceId: 'dev-a' }))).self.id;
    const eb = (await ok(b.request('meeting:join', { meetingId, deviceId: 'dev-b' }))).self.id;
    await ok(a.request('chat:send', { text: 'Xin chào' }));
    await ok(a.request('hand:raise', {}));
    await ok(h.request('moderation:mute', { endpointId: ea }));
    await ok(h.request('moderation:giveFloor', { endpointId: eb }));
    await ok(h.request('moderation:lock', { locked: true }));
    const redis = new Redis(first.redisUrl);
    // The state expires unless a node holds the room.
    for (const key of Object.values(roomStateKeys(meetingId)))
      expect(await redis.pttl(key)).toBeGreaterThan(60_000);
    redis.disconnect();

    await first.close();
    app = undefined;
    const second = await start();
    const b2 = await client(second.url, tokens.b);
    a2 = await client(second.url, tokens.a);
    const joinedB = await ok(b2.request('meeting:join', { meetingId, deviceId: 'dev-b' }));
    const joinedA = await ok(a2.request('meeting:join', { meetingId, deviceId: 'dev-a' }));
    for (const j of [joinedA, joinedB] as Joined[]) {
      expect(j.chat.map((m) => m.text)).toEqual(['Xin chào']);
      expect(j.meeting.locked).toBe(true);
      expect(j.meeting.floorEndpointId).toBe(joinedB.self.id);
    }
    expect(joinedA.self).toMatchObject({ handRaised: true, hostMuted: true });
    // Presence is who came back: the host has not.
    expect(joinedA.endpoints.map((e) => e.id)).toEqual([joinedB.self.id]);
  });

  it('a device that left on purpose is forgotten; a rejoining one keeps the floor', async () => {
    const running = app!;
    const a = a2;
    await ok(a.request('meeting:leave', {}));
    // a left on purpose: in a locked meeting it is now a newcomer.
    const again = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    expect(again).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });
    const h = await client(running.url, tokens.host);
    await ok(h.request('meeting:join', { meetingId, deviceId: 'dev-h' }));
    await ok(h.request('moderation:lock', { locked: false }));
    const back = await ok(a.request('meeting:join', { meetingId, deviceId: 'dev-a' }));
    expect(back.self).toMatchObject({ handRaised: false, hostMuted: false });
    // b rejoins from the same device (a new socket, as after a network change): the floor follows.
    const b2 = await client(running.url, tokens.b);
    const rejoined = await ok(b2.request('meeting:join', { meetingId, deviceId: 'dev-b' }));
    expect(rejoined.meeting.floorEndpointId).toBe(rejoined.self.id);
  });

  it('is dropped when everyone left on purpose', async () => {
    const running = app!;
    const redis = new Redis(running.redisUrl);
    try {
      expect(await redis.exists(...Object.values(roomStateKeys(meetingId)))).toBeGreaterThan(0);
      for (const c of open) if (c.socket.connected) await c.request('meeting:leave', {});
      await expect.poll(() => running.signaling.meetings()).toEqual([]);
      await expect.poll(() => redis.exists(...Object.values(roomStateKeys(meetingId)))).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
