import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';
import { presentNow } from './unitPresence';

/**
 * Presence after a signaling node is lost (crash, kill -9, host gone): its
 * endpoints stop being confirmed and are recorded as left at the time they
 * were last confirmed, while a live node's endpoints stay present. Real
 * redis-server; the two nodes are played by heartbeats as signaling sends them.
 */
describe('presence leases (real redis-server)', () => {
  let app: SchedulerTestApp;
  let meetingId: string;
  let occurrenceId: string;
  beforeAll(async () => {
    app = await startSchedulerApp({ PRESENCE_STALE_SECONDS: '1' });
    const host = await app.as('host44');
    const res = await host.call('POST', '/meetings/start-now', {
      title: 'Giao ban',
      durationMinutes: 60,
      selectors: [
        { type: 'tier', unitId: '452', tier: 'commune' },
        { type: 'unit', unitId: '18853' },
      ],
    });
    meetingId = res.body.meeting.id;
    occurrenceId = res.body.occurrence.id;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records the endpoints of a lost node as left, keeps the live node present', async () => {
    const att = app.scheduler.attendance;
    const ref = (unitId: string, endpointId: string) => ({
      meetingId,
      occurrenceId,
      unitId,
      endpointId,
    });
    const t0 = Date.now();
    const joined = (unitId: string, endpointId: string, at = t0) =>
      att.record({
        type: 'joined',
        ...ref(unitId, endpointId),
        at,
        audioOnly: false,
        reconnect: false,
      });
    // Node A (alive) holds 18853; node B (about to die) holds 18904 and a first endpoint of 18907.
    joined('18853', 'a1');
    joined('18904', 'b1');
    joined('18907', 'b2');
    // 18907 comes back through node A, then leaves normally.
    joined('18907', 'a2', t0 + 100);
    att.record({ type: 'left', ...ref('18907', 'a2'), at: t0 + 200 });
    await att.flush();

    const beat = setInterval(() => att.alive([ref('18853', 'a1')]), 200);
    try {
      await expect
        .poll(
          async () => {
            const p = await att.ofOccurrence(occurrenceId);
            return ['18853', '18904', '18907'].map((u) => presentNow(p.get(u)!));
          },
          { timeout: 6_000, interval: 200 },
        )
        .toEqual([true, false, false]);
    } finally {
      clearInterval(beat);
    }
    const p = await att.ofOccurrence(occurrenceId);
    // Left when last confirmed (its join), not when the loss was noticed.
    expect(p.get('18904')?.lastLeave).toBe(t0);
    expect(p.get('18904')?.presentMs).toBe(0);
    expect(presentNow(p.get('18853')!)).toBe(true);
  });
});
