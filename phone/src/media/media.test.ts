import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { alawDecode, alawEncode } from './g711';
import { DtmfReceiver } from './dtmf';
import { buildRtp, parseRtp, RtpSender } from './rtp';
import { buildAnswer, parseOffer } from '../sip/sdp';

const run = promisify(execFile);

describe('phone media', () => {
  it('G.711 A-law: decoding as ffmpeg, encoding to its code or the neighbour (every sample, every code)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'gb-alaw-'));
    try {
      const pcm = new Int16Array(65536);
      for (let i = 0; i < pcm.length; i++) pcm[i] = i - 32768;
      writeFileSync(path.join(dir, 'in.raw'), Buffer.from(pcm.buffer));
      await run('ffmpeg', [
        ...[
          '-v',
          'error',
          '-f',
          's16le',
          '-ar',
          '8000',
          '-ac',
          '1',
          '-i',
          path.join(dir, 'in.raw'),
        ],
        ...['-f', 'alaw', path.join(dir, 'out.alaw')],
      ]);
      // ffmpeg rounds at a few segment edges where the ITU reference truncates: the same code
      // or its neighbour, never further (the segment and sign always agree).
      const theirs = readFileSync(path.join(dir, 'out.alaw'));
      const mine = alawEncode(pcm);
      let same = 0;
      for (let i = 0; i < mine.length; i++) {
        const a = mine[i]! ^ 0x55;
        const b = theirs[i]! ^ 0x55;
        expect(a & 0x80).toBe(b & 0x80);
        expect(Math.abs((a & 0x7f) - (b & 0x7f))).toBeLessThanOrEqual(1);
        if (a === b) same++;
      }
      expect(same / mine.length).toBeGreaterThan(0.98);
      const codes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
      writeFileSync(path.join(dir, 'codes.alaw'), codes);
      await run('ffmpeg', [
        ...[
          '-v',
          'error',
          '-f',
          'alaw',
          '-ar',
          '8000',
          '-ac',
          '1',
          '-i',
          path.join(dir, 'codes.alaw'),
        ],
        ...['-f', 's16le', path.join(dir, 'codes.raw')],
      ]);
      const raw = readFileSync(path.join(dir, 'codes.raw'));
      expect([...alawDecode(codes)]).toEqual([...new Int16Array(raw.buffer, raw.byteOffset, 256)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('RFC 4733: each digit once, whatever its repeats and end packets', () => {
    const r = new DtmfReceiver();
    const ev = (key: number, end: boolean) => Buffer.from([key, end ? 0x80 | 10 : 10, 0, 160]);
    const got: (string | null)[] = [];
    // '5' (start, update, three ends), then '#' (11) at a new timestamp, then '5' again.
    for (const [key, end, ts] of [
      [5, false, 1000],
      [5, false, 1000],
      [5, true, 1000],
      [5, true, 1000],
      [11, false, 2600],
      [11, true, 2600],
      [5, false, 4000],
    ] as const)
      got.push(r.digit(ev(key, end), ts));
    expect(got.filter(Boolean)).toEqual(['5', '#', '5']);
  });

  it('RTP round trip; RTCP is told apart', () => {
    const s = new RtpSender(8, 1234);
    const b = s.next(Buffer.from([1, 2, 3]), 160);
    const p = parseRtp(b)!;
    expect(p).toMatchObject({ payloadType: 8, ssrc: 1234, marker: true });
    expect([...p.payload]).toEqual([1, 2, 3]);
    expect(parseRtp(s.next(Buffer.from([4]), 160))!.timestamp).toBe((p.timestamp + 160) >>> 0);
    const rtcp = buildRtp({
      payloadType: 72,
      marker: true,
      sequence: 0,
      timestamp: 0,
      ssrc: 1,
      payload: Buffer.alloc(4),
    });
    expect(parseRtp(rtcp)).toBeNull(); // 0x80|72 = 200: a sender report
  });

  it('SDP: takes PCMA and telephone-event from an offer, answers with them', () => {
    const offer = parseOffer(
      'v=0\r\nc=IN IP4 10.0.0.2\r\nm=audio 4000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\n',
    );
    expect(offer).toEqual({ ip: '10.0.0.2', port: 4000, pcma: 8, dtmf: 101 });
    expect(parseOffer('v=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 5 RTP/AVP 0\r\n')!.pcma).toBeNull();
    const answer = buildAnswer({ ip: '10.0.0.1', port: 5000, dtmf: 101, sessionId: 1 });
    expect(answer).toContain('m=audio 5000 RTP/AVP 8 101');
    expect(answer).toContain('a=rtpmap:101 telephone-event/8000');
  });
});
