import dgram from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { createLogger } from '@giaoban/common/logger';
import { loadSfuConfig } from './config';
import { WorkerPool } from './workerPool';
import { Meeting } from './meeting';
import { OPUS_PT, opusRtpParameters, plainPort } from './testing/rtp';

const log = createLogger('test', 'warn');
const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
const EXT_ID = 1;

/** Opus RTP carrying the ssrc-audio-level header extension (what browsers send). */
function levelPacket(ssrc: number, seq: number, dBov: number): Buffer {
  const b = Buffer.alloc(12 + 8 + 40, 0xab);
  b[0] = 0x90; // version 2, extension bit
  b[1] = OPUS_PT;
  b.writeUInt16BE(seq & 0xffff, 2);
  b.writeUInt32BE((seq * 960) >>> 0, 4);
  b.writeUInt32BE(ssrc, 8);
  b.writeUInt16BE(0xbede, 12); // one-byte header extensions
  b.writeUInt16BE(1, 14); // one 32-bit word
  b[16] = (EXT_ID << 4) | 0; // id, length 1
  b[17] = 0x80 | Math.min(127, Math.round(-dBov)); // voice activity + level
  b[18] = b[19] = 0;
  return b;
}

/**
 * Two speakers on two routers (two workers): each router's observer elects
 * its own; the meeting speaker is the louder one, not whichever router
 * reported last.
 */
describe('active speaker across routers (real mediasoup workers)', () => {
  let pool: WorkerPool;
  let meeting: Meeting;
  let socket: dgram.Socket;
  const speakers: string[] = [];
  const ports: Record<string, { port: number; ssrc: number }> = {};
  let seq = 0;

  beforeAll(async () => {
    pool = await WorkerPool.create(loadSfuConfig({ SFU_WORKERS: '2', RTC_PORT: '0' }), log);
    socket = dgram.createSocket('udp4');
    await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
    meeting = await Meeting.create({
      id: 'm-speakers',
      workers: () => pool.workers,
      consumerBudget: 500,
      // a new router on the free worker first, then the first router: one speaker each
      placement: (slots, _req, canAddNew) => (canAddNew ? 'new' : slots[0]!),
      log,
    });
    meeting.on('activeSpeaker', (id) => speakers.push(id));
    for (const [i, id] of ['a', 'b'].entries()) {
      const e = await meeting.addEndpoint({ id, unitId: id, transport: { type: 'plain' } });
      const rtp: ms.RtpParameters = {
        ...opusRtpParameters(7000 + i),
        headerExtensions: [{ uri: AUDIO_LEVEL_URI, id: EXT_ID }],
      };
      await meeting.produce(id, { kind: 'audio', rtpParameters: rtp, source: 'mic' });
      ports[id] = { port: plainPort(e.sendTransport), ssrc: 7000 + i };
    }
  });
  afterAll(() => {
    meeting?.close();
    socket?.close();
    pool?.close();
  });

  async function talk(levels: Record<string, number>, ms: number) {
    for (let t = 0; t < ms; t += 20) {
      seq++;
      for (const [id, dBov] of Object.entries(levels)) {
        socket.send(levelPacket(ports[id]!.ssrc, seq, dBov), ports[id]!.port, '127.0.0.1');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('the two speakers are on routers of different workers', () => {
    const routers = meeting.routers();
    expect(routers).toHaveLength(2);
    expect(new Set(routers.map((r) => r.workerIndex)).size).toBe(2);
    expect(routers.every((r) => r.endpoints === 1)).toBe(true);
  });

  it('the loud speaker wins even though the quiet router reports too', async () => {
    await talk({ a: -15, b: -60 }, 3_000);
    expect(speakers.at(-1)).toBe('a');
  });

  it('when the other becomes clearly louder, it takes over', async () => {
    const before = speakers.length;
    await talk({ a: -90, b: -12 }, 3_000);
    expect(speakers.slice(before)).toContain('b');
    expect(speakers.at(-1)).toBe('b');
  });
});
