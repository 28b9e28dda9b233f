import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../infra/test/app';
import { connect, login, startMeeting, type TestClient } from './testing/clients';

/**
 * A session that ends (logout, password changed, admin reset) ends its live
 * sockets: the token was only checked at the handshake, and connection-state
 * recovery skipped the check, so an old socket kept joining and chatting.
 * Real all-in-one servers; the second one shares the first one's Redis, as
 * two signaling nodes of a cluster do.
 */
describe('sessions ending end their sockets', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let meetingId: string;
  const open: TestClient[] = [];
  const api = (path: string, token: string, body: unknown = {}) =>
    fetch(`${app.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
  const client = async (url: string, token: string, reconnection = false) => {
    const c = await connect(url, token, { reconnection });
    open.push(c);
    return c;
  };
  const disconnected = (c: TestClient) =>
    new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
  const unitsIn = () =>
    app.signaling
      .meetingState(meetingId)
      ?.endpoints.map((e) => e.unitId)
      .sort() ?? [];

  beforeAll(async () => {
    app = await startTestApp({ SFU_WORKERS: '1', SIGNALING_GRACE_MS: '30000' });
    await app.signaling.sessionsReady;
    const host = await login(app.url, 'host450');
    meetingId = await startMeeting(app.url, host, ['18853', '18856', '18859']);
  });
  afterAll(async () => {
    for (const c of open) c.close();
    await app?.close();
  });

  it('logout drops that session’s sockets and endpoint, not the account’s other sessions', async () => {
    const [token, other] = [await login(app.url, 'u18853'), await login(app.url, 'u18853')];
    const a = await client(app.url, token);
    const b = await client(app.url, other);
    const join = await a.request('meeting:join', { meetingId, deviceId: 'dev-logout' });
    expect(join.ok).toBe(true);
    expect(unitsIn()).toEqual(['18853']);
    const ended = a.next('meeting:ended');
    const dropped = disconnected(a);
    expect((await api('/auth/logout', token)).status).toBe(204);
    expect(await ended).toEqual({ reason: 'sessionEnded' });
    expect(await dropped).toBe('io server disconnect');
    expect(unitsIn()).toEqual([]);
    // The account's other session is untouched.
    expect(b.socket.connected).toBe(true);
    expect((await b.request('meeting:join', { meetingId, deviceId: 'dev-other' })).ok).toBe(true);
    expect((await b.request('meeting:leave', {})).ok).toBe(true);
  });

  it('an admin password reset drops every socket of the account', async () => {
    const token = await login(app.url, 'u18856');
    const s1 = await client(app.url, token);
    const s2 = await client(app.url, await login(app.url, 'u18856'));
    expect((await s1.request('meeting:join', { meetingId, deviceId: 'dev-reset' })).ok).toBe(true);
    const dropped = [disconnected(s1), disconnected(s2)];
    const admin = await login(app.url, 'admin');
    const account = (await app.scheduler.accounts.store.byUsername('u18856'))!;
    expect(
      (await api(`/accounts/${account.id}/password`, admin, { newPassword: 'Mới-Đặt@2026x' }))
        .status,
    ).toBe(200);
    expect(await Promise.all(dropped)).toEqual(['io server disconnect', 'io server disconnect']);
    expect(unitsIn()).toEqual([]);
    // The old token cannot come back either.
    await expect(connect(app.url, token)).rejects.toThrow('UNAUTHENTICATED');
  });

  it('connection-state recovery re-checks the session: a dropped socket cannot recover after logout', async () => {
    const token = await login(app.url, 'u18859');
    const c = await client(app.url, token, true);
    expect((await c.request('meeting:join', { meetingId, deviceId: 'dev-recover' })).ok).toBe(true);
    // Recovery resumes from the last broadcast the client saw (socket.io offsets): see one.
    const seen = c.next('presence:updated');
    expect((await c.request('hand:raise', {})).ok).toBe(true);
    await seen;
    // The link drops and stays down (no automatic reconnection meanwhile)…
    c.socket.io.reconnection(false);
    const dropped = disconnected(c);
    c.socket.io.engine.close();
    await dropped;
    // …the user logs out elsewhere; the endpoint waiting in its grace period goes at once…
    expect((await api('/auth/logout', token)).status).toBe(204);
    await expect.poll(unitsIn).toEqual([]);
    // …and the socket coming back with the revoked token is refused, not recovered.
    const refused = new Promise<string>((resolve) => {
      c.socket.once('connect', () => resolve(c.socket.recovered ? 'recovered' : 'connected'));
      c.socket.once('connect_error', (err) => resolve(err.message));
    });
    c.socket.connect();
    expect(await refused).toBe('UNAUTHENTICATED');
    expect(c.socket.connected).toBe(false);
  });

  it('a logout on one signaling node drops the session’s socket on another node', async () => {
    const other = await startTestApp({ SFU_WORKERS: '1', REDIS_URL: app.redisUrl });
    try {
      await other.signaling.sessionsReady;
      const token = await login(app.url, 'u18853');
      const there = await client(other.url, token);
      const dropped = disconnected(there);
      expect((await api('/auth/logout', token)).status).toBe(204);
      expect(await dropped).toBe('io server disconnect');
    } finally {
      await other.close();
    }
  });
});
