import { beforeAll, describe, expect, it } from 'vitest';
import { connect, startMeeting } from './testing/clients';
import { useSignalingApp } from './testing/useSignalingApp';

// Real all-in-one server: scheduler (login, meetings, MeetingGate), signaling, mediasoup workers, redis.
describe('signaling gateway', () => {
  const t = useSignalingApp({ SFU_WORKERS: '1', SIGNALING_RATE_PER_SECOND: '40' }, [
    'host450',
    'u18853',
    'u18856',
    'u18859',
  ]);
  const { tokens, open } = t;
  const client = (who: string) => t.client(who);
  let meetingId: string;

  beforeAll(async () => {
    meetingId = await startMeeting(t.app.url, tokens.host450!, ['18853', '18856']);
  });

  it('refuses a handshake without a valid session token', async () => {
    await expect(connect(t.app.url, undefined)).rejects.toThrow('UNAUTHENTICATED');
    await expect(connect(t.app.url, 'not-a-jwt')).rejects.toThrow('UNAUTHENTICATED');
  });

  it('joins invited units in one request and refuses an uninvited one without changing anything', async () => {
    const a = await client('u18853');
    const ja = await a.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    if (!ja.ok) throw new Error(JSON.stringify(ja.error));
    expect(ja.data.self.unitName).toBe('Phường Hải Thành');
    expect(ja.data.self.tier).toBe('commune');
    expect(ja.data.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    expect(ja.data.routerRtpCapabilities).toHaveProperty('codecs');
    expect(ja.data.isHost).toBe(false);

    const b = await client('u18856');
    const joined = a.next('presence:joined');
    const jb = await b.request('meeting:join', { meetingId, deviceId: 'dev-b' });
    if (!jb.ok) throw new Error(JSON.stringify(jb.error));
    expect(jb.data.endpoints.map((e) => e.unitId)).toEqual(['18853']);
    expect(await joined).toMatchObject({
      // Audio first: a newcomer is audio-only until its link is known (sfu/src/link).
      endpoint: { unitId: '18856', linkState: 'poor', audioOnly: true, connected: true },
    });

    const stranger = await client('u18859');
    const before = t.app.signaling.meetings();
    const refused = await stranger.request('meeting:join', { meetingId, deviceId: 'dev-x' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'NOT_INVITED' } });
    expect(t.app.signaling.meetings()).toEqual(before);
    expect(await stranger.request('hand:raise', {})).toMatchObject({
      ok: false,
      error: { code: 'MEETING_NOT_OPEN' },
    });
  });

  it('replaces the endpoint of a unit rejoining from the same device', async () => {
    const a2 = await client('u18853');
    const j = await a2.request('meeting:join', { meetingId, deviceId: 'dev-a' });
    expect(j.ok).toBe(true);
    expect(t.app.signaling.meetings()).toEqual([{ meetingId, endpoints: 2 }]);
    const routers = await t.app.sfu.routers(meetingId);
    expect(routers.reduce((n, r) => n + r.endpoints, 0)).toBe(2);
  });

  it('lets only hosts moderate; a host-muted unit needs the floor to speak', async () => {
    const b = open.find(
      (c) => c.socket.auth && (c.socket.auth as { token: string }).token === tokens.u18856,
    )!;
    const a2 = open[open.length - 1]!;
    expect((await b.request('hand:raise', {})).ok).toBe(true);
    const denied = await b.request('moderation:muteAll', {});
    expect(denied).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const host = await client('host450');
    const jh = await host.request('meeting:join', { meetingId, deviceId: 'dev-h' });
    if (!jh.ok) throw new Error(JSON.stringify(jh.error));
    expect(jh.data.isHost).toBe(true);
    const target = jh.data.endpoints.find((e) => e.unitId === '18856')!;
    expect(target.handRaised).toBe(true);
    const muted = b.next('moderation:muted');
    expect(await host.request('moderation:mute', { endpointId: target.id })).toEqual({
      ok: true,
      data: {},
    });
    await muted;
    expect(await host.request('moderation:muteAll', {})).toEqual({ ok: true, data: { muted: 2 } });
    const floor = b.next('meeting:updated');
    expect((await host.request('moderation:giveFloor', { endpointId: target.id })).ok).toBe(true);
    expect(await floor).toMatchObject({ meeting: { floorEndpointId: target.id } });
    expect((await host.request('moderation:lock', { locked: true })).ok).toBe(true);
    const late = await client('u18853');
    expect(await late.request('meeting:join', { meetingId, deviceId: 'dev-late' })).toMatchObject({
      ok: false,
      error: { code: 'MEETING_LOCKED' },
    });
    expect((await host.request('moderation:lock', { locked: false })).ok).toBe(true);

    const msg = a2.next('chat:message');
    const sent = await b.request('chat:send', { text: '  Xã đã sẵn sàng  ' });
    expect(sent).toMatchObject({
      ok: true,
      data: { message: { text: 'Xã đã sẵn sàng', unitId: '18856' } },
    });
    expect(await msg).toMatchObject({ message: { text: 'Xã đã sẵn sàng' } });

    const ended = b.next('meeting:ended');
    expect((await host.request('moderation:remove', { endpointId: target.id })).ok).toBe(true);
    expect(await ended).toEqual({ reason: 'removed' });
    await expect
      .poll(async () => (await t.app.scheduler.audit.recent(50)).map((e) => e.action))
      .toEqual(expect.arrayContaining(['meeting.mute', 'meeting.muteAll', 'meeting.remove']));
    expect(t.app.signaling.meetings()).toEqual([{ meetingId, endpoints: 2 }]);
  });

  it('reaches every socket of a unit through UnitNotifier', async () => {
    const c = await client('u18859');
    const got = c.next('meeting:closed');
    t.app.signaling.notifier.notifyUnits(['18859'], 'meeting:closed', {
      meetingId: 'x',
      occurrenceId: 'y',
      title: 't',
    });
    expect(await got).toEqual({ meetingId: 'x', occurrenceId: 'y', title: 't' });
  });

  it('rate-limits a socket that floods requests', async () => {
    const c = await client('u18859');
    const acks = await Promise.all(Array.from({ length: 100 }, () => c.request('hand:lower', {})));
    const limited = acks.filter((a) => !a.ok && a.error.code === 'RATE_LIMITED').length;
    expect(limited).toBeGreaterThanOrEqual(50);
  });

  it('keeps a dropped endpoint during its grace period; the same device rejoining replaces it', async () => {
    const c = await connect(t.app.url, tokens.u18856);
    const j = await c.request('meeting:join', { meetingId, deviceId: 'dev-r' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const count = t.app.signaling.meetings()[0]!.endpoints;
    const view = (id: string) =>
      t.app.signaling.meetingState(meetingId)?.endpoints.find((e) => e.id === id);
    c.socket.io.engine.close(); // the transport drops, as on a flaky link
    await expect.poll(() => view(j.data.self.id)?.connected).toBe(false);
    expect(t.app.signaling.meetings()[0]!.endpoints).toBe(count);
    const again = await client('u18856');
    const j2 = await again.request('meeting:join', { meetingId, deviceId: 'dev-r' });
    if (!j2.ok) throw new Error(JSON.stringify(j2.error));
    expect(view(j.data.self.id)).toBeUndefined();
    expect(view(j2.data.self.id)?.connected).toBe(true);
    expect(t.app.signaling.meetings()[0]!.endpoints).toBe(count);
  });

  it('recovers a dropped socket with its endpoint and media untouched (connection state recovery)', async () => {
    const c = await connect(t.app.url, tokens.u18853, { reconnection: true });
    open.push(c);
    const j = await c.request('meeting:join', { meetingId, deviceId: 'dev-rec' });
    if (!j.ok) throw new Error(JSON.stringify(j.error));
    const view = () =>
      t.app.signaling.meetingState(meetingId)?.endpoints.find((e) => e.id === j.data.self.id);
    // Recovery resumes from the last broadcast the client saw (socket.io offsets).
    const seen = c.next('presence:updated');
    expect((await c.request('hand:raise', {})).ok).toBe(true);
    await seen;
    const transports = (await (await t.app.sfu.meeting(meetingId))!.mediaCounts()).transports;
    c.socket.io.engine.close(); // the transport drops, as on a flaky link
    await expect.poll(() => c.socket.connected && c.socket.recovered).toBe(true);
    await expect.poll(() => view()?.connected).toBe(true);
    expect((await c.request('hand:lower', {})).ok).toBe(true);
    expect(view()?.handRaised).toBe(false);
    expect((await (await t.app.sfu.meeting(meetingId))!.mediaCounts()).transports).toBe(transports);
  });

  it('removes the endpoints of a meeting whose sockets leave, and frees its media', async () => {
    for (const c of open) c.close();
    await expect.poll(() => t.app.signaling.meetings()).toEqual([]);
    await expect(t.app.sfu.routers(meetingId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
