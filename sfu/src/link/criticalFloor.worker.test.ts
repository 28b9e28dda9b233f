import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from '../config';
import { WorkerPool } from '../workerPool';
import { Meeting } from '../meeting';
import { opusRtpParameters } from '../testing/rtp';
import { LinkSupervisor } from './linkSupervisor';

const log = createLogger('test', 'warn');
const gprs = { rttMs: 2_000 };

/**
 * A critical downlink keeps one voice: the floor holder's, else the active
 * speaker's — but never its own (it does not consume itself). Real mediasoup
 * worker; the active speaker is emitted as the meeting's audio-level merge does.
 */
describe('critical downlink: whose voice it keeps (real mediasoup worker)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let supervisor: LinkSupervisor;
  let clock = 0;
  const consumerOf: Record<string, string> = {};

  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '1', RTC_PORT: '0' }), log);
    meeting = await Meeting.create({
      id: 'm-critical-floor',
      workers: () => pool.workers,
      consumerBudget: 100,
      log,
    });
    supervisor = new LinkSupervisor({ log, onEvent: () => undefined, now: () => clock });
    const mics: Record<string, string> = {};
    for (const [i, id] of ['host', 'ward', 'commune'].entries()) {
      await meeting.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
      const mic = await meeting.produce(id, {
        kind: 'audio',
        rtpParameters: opusRtpParameters(3000 + i),
        source: 'mic',
      });
      mics[id] = mic.id;
    }
    const link = supervisor.attach(meeting, meeting.endpoint('commune'), { linkProfile: 'poor' });
    for (const id of ['host', 'ward']) {
      const c = await meeting.consume('commune', mics[id]!, meeting.rtpCapabilities);
      consumerOf[id] = c.id;
      await link.gate.setClient(c.id, true);
    }
    // A GPRS downlink: the round trip of its reports says critical within 3 s
    // (each report a fresh STUN round trip: a repeated figure is one measurement).
    for (clock = 0; clock <= 4_000; clock += 1_000)
      supervisor.report(meeting.id, 'commune', { rttMs: gprs.rttMs + clock / 100 });
    await settle();
    expect(supervisor.snapshot(meeting.id, 'commune')?.down).toBe('critical');
  });
  afterAll(() => {
    supervisor?.close();
    meeting?.close();
    pool?.close();
  });

  const settle = () => new Promise((r) => setTimeout(r, 60));
  const hears = (id: string) => !meeting.endpoint('commune').consumer(consumerOf[id]!).paused;
  /** Waits for the commune's plan to be applied (a run in progress runs again with the news). */
  const applied = () => supervisor.link(meeting.id, 'commune')!.applyReceivePlan();
  const speaks = async (id: string) => {
    meeting.emit('activeSpeaker', id);
    await applied();
  };

  it('follows the active speaker', async () => {
    await speaks('host');
    expect([hears('host'), hears('ward')]).toEqual([true, false]);
    await speaks('ward');
    expect([hears('host'), hears('ward')]).toEqual([false, true]);
  });

  it('keeps the previous speaker when the commune itself becomes the active speaker', async () => {
    await speaks('host');
    await speaks('commune');
    expect([hears('host'), hears('ward')]).toEqual([true, false]);
  });

  it('keeps the floor holder, and the last other speaker when the commune holds the floor', async () => {
    await supervisor.setFloor(meeting.id, 'ward');
    await applied();
    expect([hears('host'), hears('ward')]).toEqual([false, true]);
    await speaks('host');
    await supervisor.setFloor(meeting.id, 'commune');
    await applied();
    expect([hears('host'), hears('ward')]).toEqual([true, false]);
  });
});
