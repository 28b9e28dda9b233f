import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import type { AttendanceEvent } from '@giaoban/common/ports';
import { startTestRedis, type TestRedis } from '../../../infra/test/redis';
import { AttendanceStore } from './attendanceStore';

/**
 * Several signaling nodes record endpoints of the same unit in the same
 * occurrence at the same moment, each through its own AttendanceStore and its
 * own Redis connection (as in a cluster). No event may be lost or counted twice.
 */
describe('attendance writes racing from several nodes (real redis-server)', () => {
  const NODES = 4;
  const ENDPOINTS_PER_NODE = 30;
  let redis: TestRedis;
  let nodes: AttendanceStore[];
  const log = createLogger('test', 'silent');

  beforeAll(async () => {
    redis = await startTestRedis();
    nodes = Array.from({ length: NODES }, () => new AttendanceStore(redis.client(), log));
  });
  afterAll(async () => {
    await redis?.destroy();
  });

  const event = (
    type: 'joined' | 'left' | 'audioOnly',
    occurrenceId: string,
    endpointId: string,
    at: number,
    audioOnly = false,
  ): AttendanceEvent =>
    type === 'joined'
      ? {
          type,
          meetingId: 'm',
          occurrenceId,
          unitId: '18904',
          endpointId,
          at,
          audioOnly,
          reconnect: false,
        }
      : type === 'left'
        ? { type, meetingId: 'm', occurrenceId, unitId: '18904', endpointId, at }
        : { type, meetingId: 'm', occurrenceId, unitId: '18904', endpointId, at, audioOnly };

  /** Every node records its own endpoints' events at once; resolves when all are stored. */
  const race = async (make: (node: number, i: number) => AttendanceEvent) => {
    for (let n = 0; n < NODES; n++)
      for (let i = 0; i < ENDPOINTS_PER_NODE; i++) nodes[n]!.record(make(n, i));
    await Promise.all(nodes.map((s) => s.flush()));
  };

  it('keeps every endpoint that joined and counts the time once', async () => {
    const occ = 'race1.1796605200000';
    const t0 = 1_796_605_200_000;
    const ep = (n: number, i: number) => `n${n}-e${i}`;
    await race((n, i) => event('joined', occ, ep(n, i), t0));
    let p = (await nodes[0]!.ofOccurrence(occ)).get('18904')!;
    expect(Object.keys(p.endpoints)).toHaveLength(NODES * ENDPOINTS_PER_NODE);
    expect(p.firstJoin).toBe(t0);

    // Half go audio-only at +10 min, then everyone leaves at +30 min.
    await race((n, i) => event('audioOnly', occ, ep(n, i), t0 + 10 * 60_000, i % 2 === 0));
    p = (await nodes[1]!.ofOccurrence(occ)).get('18904')!;
    expect(Object.values(p.endpoints).filter(Boolean)).toHaveLength(
      (NODES * ENDPOINTS_PER_NODE) / 2,
    );
    await race((n, i) => event('left', occ, ep(n, i), t0 + 30 * 60_000));
    p = (await nodes[2]!.ofOccurrence(occ)).get('18904')!;
    expect(p.endpoints).toEqual({});
    expect(p.presentMs).toBe(30 * 60_000);
    expect(p.audioOnlyMs).toBe(0); // never were all of its endpoints audio-only
    expect(p.lastLeave).toBe(t0 + 30 * 60_000);
    expect(p.reconnects).toBe(0);

    // Everyone comes back at +40 min: the unit rejoined once, not 120 times.
    await race((n, i) => event('joined', occ, ep(n, i), t0 + 40 * 60_000, true));
    p = (await nodes[3]!.ofOccurrence(occ)).get('18904')!;
    expect(p.reconnects).toBe(1);
    expect(Object.keys(p.endpoints)).toHaveLength(NODES * ENDPOINTS_PER_NODE);
    expect(p.presentMs).toBe(30 * 60_000);
  });

  it('counts an event delivered twice (a re-sent command, a retry on another node) once', async () => {
    const occ = 'race2.1796605200000';
    const t0 = 1_796_605_200_000;
    const rejoin: AttendanceEvent = {
      type: 'joined',
      meetingId: 'm',
      occurrenceId: occ,
      unitId: '18904',
      endpointId: 'a',
      at: t0 + 60_000,
      audioOnly: false,
      reconnect: true,
    };
    nodes[0]!.record(event('joined', occ, 'a', t0));
    await nodes[0]!.flush();
    for (const n of nodes) n.record(rejoin);
    await Promise.all(nodes.map((s) => s.flush()));
    const p = (await nodes[0]!.ofOccurrence(occ)).get('18904')!;
    expect(p.reconnects).toBe(1);
    expect(Object.keys(p.endpoints)).toEqual(['a']);
  });
});
