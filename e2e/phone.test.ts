import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { MeetingPhone } from '@giaoban/scheduler/api/phone';
import { meanVolumeDb, writeToneWav } from '../sfu/src/recording/testing/audioProbe';
import { startTestApp } from '../infra/test/app';
import { connect, login, startMeeting, type TestClient } from '../signaling/src/testing/clients';
import { startPhone } from '../phone/src/main';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, openHarnessPage } from './fixtures';
import { Baresip } from './phone/baresip';
import { createPhoneNs, destroyPhoneNs, type PhoneNs } from './phone/phoneNs';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SERVICE_KEY = 'phone-test-key-0123456789abcdef';

async function freeUdpPort(ip: string): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, ip, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * The phone bridge end to end: Debian's baresip (in a network namespace, its
 * microphone a 880 Hz tone) calls the phone role over SIP/UDP, types the PIN
 * of commune 18856 as RFC 4733 telephone-events, hears commune 18853 (a
 * Chromium whose fake microphone plays 440 Hz) and is heard by it; the host
 * mutes it; three wrong PINs end a call.
 */
describe('phone bridge (baresip ↔ SIP ↔ SFU ↔ Chromium)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let phone: Awaited<ReturnType<typeof startPhone>>;
  let ns: PhoneNs;
  let browser: Browser;
  let page: Page;
  let host: TestClient;
  let dir: string;
  let meetingId: string;
  let sipPort: number;
  const tokens: Record<string, string> = {};
  let pins: MeetingPhone;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gb-phone-'));
    ns = await createPhoneNs();
    await writeToneWav(path.join(dir, 'commune.wav'), 440, 120);
    // baresip's aufile takes 8 kHz only.
    await writeToneWav(path.join(dir, 'phone48k.wav'), 880, 120);
    await run('ffmpeg', ['-v', 'error', '-y', '-i', path.join(dir, 'phone48k.wav'), '-ar', '8000', path.join(dir, 'phone.wav')]);
    const env = { PHONE_SERVICE_KEY: SERVICE_KEY, PHONE_SIP_NUMBER: '02323800017' };
    [app, browser] = await Promise.all([
      startTestApp({ SFU_WORKERS: '1', ...env }),
      launchChromium([`--use-file-for-fake-audio-capture=${path.join(dir, 'commune.wav')}`]),
    ]);
    sipPort = await freeUdpPort(ns.hostAddress);
    phone = await startPhone({
      ...env,
      PHONE_SIP_PORT: String(sipPort),
      PHONE_SIP_LISTEN_IP: ns.hostAddress,
      PHONE_APP_URL: app.url,
      PHONE_PIN_TIMEOUT_S: '8',
    });
    for (const u of ['host450', 'u18853', 'u18856']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
    const res = await fetch(`${app.url}/api/meetings/${meetingId}/phone`, {
      headers: { authorization: `Bearer ${tokens.host450}` },
    });
    expect(res.status).toBe(200);
    pins = (await res.json()) as MeetingPhone;
    host = await connect(app.url, tokens.host450);
    expect((await host.request('meeting:join', { meetingId, deviceId: 'host-device' })).ok).toBe(
      true,
    );
  });
  afterAll(async () => {
    host?.close();
    phone?.close();
    await browser?.close();
    await app?.close();
    if (ns) await destroyPhoneNs(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  const pinOf = (unitId: string) => pins.pins.find((p) => p.unitId === unitId)!.pin;
  const startBaresip = (name: string) =>
    Baresip.start({
      dir: path.join(dir, name),
      netns: ns.name,
      ip: ns.nsAddress,
      source: path.join(dir, 'phone.wav'),
    });
  const dial = (b: Baresip) => b.command('dial', `sip:${pins.number}@${ns.hostAddress}:${sipPort}`);

  it('the host sees one PIN per invited unit and the dial-in number; a unit only its own', async () => {
    expect(pins.number).toBe('02323800017');
    expect(pins.pins.map((p) => p.unitId).sort()).toEqual(['18853', '18856', '450'].sort());
    for (const p of pins.pins) expect(p.pin).toMatch(/^\d{6}$/);
    const own = await fetch(`${app.url}/api/meetings/${meetingId}/phone`, {
      headers: { authorization: `Bearer ${tokens.u18853}` },
    });
    const mine = (await own.json()) as MeetingPhone;
    expect(mine.pins).toEqual([expect.objectContaining({ unitId: '18853', pin: pinOf('18853') })]);
  });

  it('three wrong PINs end the call', async () => {
    const b = await startBaresip('wrong');
    try {
      const before = phone.server.ended.length;
      await dial(b);
      await expect.poll(() => phone.server.calls.length, { timeout: 10_000 }).toBe(1);
      const wrong = pinOf('18856') === '111111' ? '222222' : '111111';
      for (let i = 0; i < 3; i++) {
        await sleep(i === 0 ? 1_000 : 3_000);
        await b.typeDigits(`${wrong}#`);
      }
      await expect
        .poll(() => phone.server.ended.length, { timeout: 15_000 })
        .toBe(before + 1);
      expect(phone.server.ended.at(-1)!.reason).toBe('wrongPin');
      expect(phone.server.calls.length).toBe(0);
    } finally {
      if (process.env.PHONE_DEBUG) console.log(b.output);
      b.stop();
    }
  });
});
