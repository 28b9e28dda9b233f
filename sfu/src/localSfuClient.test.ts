import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '@giaoban/common/logger';
import { AppError } from '@giaoban/common/errors';
import { loadSfuConfig } from './config';
import { WorkerPool } from './workerPool';
import { LocalSfuClient } from './localSfuClient';
import type { SfuEvent } from './sfuClient';
import { opusRtpParameters } from './testing/rtp';
import { audioRepair } from './codecs';

const log = createLogger('test', 'silent');

describe('LocalSfuClient (real workers)', () => {
  let pool: WorkerPool;
  let sfu: LocalSfuClient;
  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '2', RTC_PORT: '0' }), log);
    sfu = new LocalSfuClient(pool, { consumerBudget: 500, log });
  });
  afterAll(async () => {
    await sfu?.close();
    pool?.close();
  });

  it('joins with WebRTC transport parameters and replaces a rejoining endpoint', async () => {
    const j = await sfu.join({ meetingId: 'm1', endpointId: 'e1', unitId: 'u1' });
    expect(j.routerRtpCapabilities.codecs?.map((c) => c.mimeType)).toEqual(
      expect.arrayContaining(['audio/opus', 'video/VP8']),
    );
    expect(j.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    expect(j.recvTransport.id).not.toBe(j.sendTransport.id);
    const again = await sfu.join({ meetingId: 'm1', endpointId: 'e1', unitId: 'u1' });
    expect(again.sendTransport.id).not.toBe(j.sendTransport.id);
    const m = (await sfu.meeting('m1'))!;
    expect(m.endpoints).toHaveLength(1);
    expect((await m.mediaCounts()).transports).toBe(2);
    await expect(sfu.restartIce('m1', 'e1', j.sendTransport.id)).rejects.toThrow(AppError);
    await expect(sfu.restartIce('m1', 'e1', again.sendTransport.id)).resolves.toHaveProperty(
      'usernameFragment',
    );
    await sfu.closeMeeting('m1');
    await expect(sfu.producers('m1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('offers browsers audio without bandwidth extensions or transport-cc (NACK only with audio repair by NACK); video keeps them', async () => {
    const j = await sfu.join({ meetingId: 'm-caps', endpointId: 'e1', unitId: 'u1' });
    for (const caps of [j.routerRtpCapabilities, await sfu.routerRtpCapabilities()]) {
      const exts = (kind: string) =>
        (caps.headerExtensions ?? []).filter((h) => h.kind === kind).map((h) => h.uri);
      expect(exts('audio').join()).not.toMatch(/abs-send-time|transport-wide-cc|abs-capture-time/);
      expect(exts('audio')).toContain('urn:ietf:params:rtp-hdrext:ssrc-audio-level');
      expect(exts('video').join()).toMatch(/transport-wide-cc/);
      const fb = (mime: string) =>
        caps.codecs?.find((c) => c.mimeType === mime)?.rtcpFeedback?.map((f) => f.type) ?? [];
      // The default repair (AUDIO_REPAIR auto = fec+nack, issue 13) asks for lost audio again.
      expect(fb('audio/opus')).toEqual(audioRepair('auto').nack ? ['nack'] : []);
      expect(fb('video/VP8')).toEqual(expect.arrayContaining(['nack', 'transport-cc']));
    }
    await sfu.closeMeeting('m-caps');
  });

  it('rejects unknown ids with NOT_FOUND', async () => {
    await sfu.join({ meetingId: 'm2', endpointId: 'e1', unitId: 'u1' });
    await expect(sfu.resumeConsumer('m2', 'e1', 'nope')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(sfu.pauseProducer('m2', 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(sfu.closeProducer('m2', 'ghost', 'x')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await sfu.closeMeeting('m2');
  });

  it('tells endpoints to reconnect when their worker dies and re-creates the router', async () => {
    const events: SfuEvent[] = [];
    const off = sfu.onEvent((e) => events.push(e));
    await sfu.join({ meetingId: 'm3', endpointId: 'a', unitId: 'ua' });
    await sfu.join({ meetingId: 'm3', endpointId: 'b', unitId: 'ub' });
    await sfu.produce('m3', 'a', {
      kind: 'audio',
      rtpParameters: opusRtpParameters(7),
      source: 'mic',
    });
    const [router] = await sfu.routers('m3');
    const victim = pool.workers[router!.workerIndex]!;
    const replaced = new Promise<number>((resolve) => pool.once('replaced', (i) => resolve(i)));
    process.kill(victim.worker.pid, 'SIGKILL');
    expect(await replaced).toBe(victim.index);
    await expect
      .poll(() =>
        events
          .filter((e) => e.type === 'endpointLost')
          .map((e) => e.endpointId)
          .sort(),
      )
      .toEqual(['a', 'b']);
    await expect.poll(async () => (await sfu.routers('m3')).length).toBe(1);
    expect(await sfu.producers('m3')).toEqual([]);
    const rejoin = await sfu.join({ meetingId: 'm3', endpointId: 'a', unitId: 'ua' });
    expect(rejoin.sendTransport.iceCandidates.length).toBeGreaterThan(0);
    off();
    await sfu.closeMeeting('m3');
  });
});
