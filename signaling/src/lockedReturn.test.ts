import { beforeAll, describe, expect, it } from 'vitest';
import { startMeeting } from './testing/clients';
import { useSignalingApp } from './testing/useSignalingApp';

/**
 * A locked meeting keeps newcomers out, not the units already in: a commune
 * whose link was down past the grace (or whose media the server lost) comes
 * back; one the host removed does not. Real all-in-one server, 300 ms grace.
 */
describe('a locked meeting and the units that were in it', () => {
  const t = useSignalingApp({ SFU_WORKERS: '1', SIGNALING_GRACE_MS: '300' }, [
    'host450',
    'u18853',
    'u18856',
  ]);
  let meetingId: string;
  beforeAll(async () => {
    meetingId = await startMeeting(t.app.url, t.tokens.host450!, ['18853', '18856']);
  });

  const join = async (who: string, deviceId: string) => {
    const c = await t.client(who);
    return { c, r: await c.request('meeting:join', { meetingId, deviceId }) };
  };

  it('lets a dropped commune back after the grace, refuses newcomers and removed units', async () => {
    const host = await join('host450', 'dev-host');
    const a = await join('u18853', 'dev-a');
    expect(a.r.ok).toBe(true);
    expect((await host.c.request('moderation:lock', { locked: true })).ok).toBe(true);

    // The commune's link drops for longer than the grace: the server lets its endpoint go.
    const gone = host.c.next('presence:left', 5_000);
    // The transport dies (not a goodbye from the client): the grace applies.
    a.c.socket.io.engine.close();
    expect(await gone).toMatchObject({ reason: 'disconnected' });

    const back = await join('u18853', 'dev-a');
    expect(back.r.ok).toBe(true);
    const newcomer = await join('u18856', 'dev-new');
    expect(newcomer.r).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });
    // The same unit from another device is a newcomer too.
    const other = await join('u18853', 'dev-other');
    expect(other.r).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });

    // Removed by the host: not coming back while the meeting is locked.
    if (!back.r.ok) throw new Error('rejoin failed');
    const removed = host.c.next('presence:left', 5_000);
    expect(
      (await host.c.request('moderation:remove', { endpointId: back.r.data.self.id })).ok,
    ).toBe(true);
    await removed;
    const again = await join('u18853', 'dev-a');
    expect(again.r).toMatchObject({ ok: false, error: { code: 'MEETING_LOCKED' } });
  });
});
