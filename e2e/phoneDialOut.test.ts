import { loadavg } from 'node:os';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { AttendanceResponse } from '@giaoban/scheduler/api/attendance';
import type { ConveneResponse } from '@giaoban/scheduler/api/emergency';
import type { RollCall } from '@giaoban/scheduler/api/notifications';
import type { DialCall, MeetingPhone } from '@giaoban/scheduler/api/phone';
import { writeToneWav } from '../sfu/src/recording/testing/audioProbe';
import { startTestApp } from '../infra/test/app';
import { startTestSmsc, type TestSmsc } from '../infra/test/smsc';
import { connect, login, startMeeting, type TestClient } from '../signaling/src/testing/clients';
import { startPhone } from '../phone/src/main';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, openHarnessPage } from './fixtures';
import { Baresip } from './phone/baresip';
import { createPhoneNs, destroyPhoneNs, type PhoneNs } from './phone/phoneNs';
import {
  bandDb,
  freeUdpPort,
  heardDb,
  phoneJoined,
  playRemoteAudio,
  toneWav8k,
} from './phone/audioLevels';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const say = (s: string) => process.stdout.write(`${s}\n`);
const SERVICE_KEY = 'dialout-test-key-0123456789abcdef';
/** Commune 18856's phone answers by itself; commune 18853's rings and is never answered. */
const ANSWERS = '0912000056';
const NEVER = '0912000053';

/**
 * Dial-out end to end: the phone role takes the calls the scheduler queued
 * (bullmq) and calls Debian's baresip (in its own network namespace, the SIP
 * trunk being baresip itself: `PHONE_SIP_DIAL_URI=sip:{number}@<baresip>`).
 * The host's "Gọi điện" (its REST call) → baresip answers, presses 1, joins
 * as commune 18856 and is heard by / hears Chromium (commune 18853);
 * attendance says "by phone". A call nobody answers ends "noAnswer". An
 * emergency calls the unit that did not acknowledge (calledAt, phoneJoinedAt
 * in the roll call) and not the one that did.
 */
describe('phone dial-out (scheduler queue → phone role → baresip)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  // The carrier's SMSC (the smpp package's real server): the emergency texts before it calls.
  let smsc: TestSmsc;
  let phone: Awaited<ReturnType<typeof startPhone>>;
  let ns: PhoneNs;
  let browser: Browser;
  let page: Page | undefined;
  let host: TestClient;
  let b: Baresip;
  let dir: string;
  let meetingId: string;
  const tokens: Record<string, string> = {};

  const rest = async (method: string, p: string, who: string, body?: unknown) => {
    const res = await fetch(`${app.url}/api${p}`, {
      method,
      headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json().catch(() => null)) as unknown };
  };
  const callOf = async (unitId: string) =>
    (
      (await rest('GET', `/meetings/${meetingId}/phone`, 'host450')).body as MeetingPhone
    ).calls?.find((c) => c.unitId === unitId);
  /** baresip answered: the phone role's call waits for the key; the callee presses 1. */
  const pressOne = async () => {
    await expect.poll(() => phone.server.calls.length, { timeout: 20_000 }).toBe(1);
    const call = phone.server.calls[0]!;
    await sleep(500);
    // The key from the line that was called (baresip sends DTMF on its current user agent's call).
    await b.command('uafind', `sip:${ANSWERS}@${ns.nsAddress}`);
    await b.typeDigits('1');
    await expect.poll(() => call.state, { timeout: 10_000 }).toBe('inMeeting');
    return call;
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'gb-dialout-'));
    ns = await createPhoneNs((process.pid + 30) % 60);
    await writeToneWav(path.join(dir, 'commune.wav'), 440, 120);
    await toneWav8k(path.join(dir, 'phone.wav'), 880, 120);
    const env = { PHONE_SERVICE_KEY: SERVICE_KEY, PHONE_SIP_NUMBER: '02323800017' };
    smsc = await startTestSmsc({ systemId: 'giaoban', password: 'smsc-pw', receiptDelayMs: 200 });
    [app, browser] = await Promise.all([
      startTestApp({
        SFU_WORKERS: '1',
        // An unacknowledged emergency: SMS after 3 s, the call after 6 s.
        SMS_ESCALATE_AFTER_MIN: '0.05',
        PHONE_ESCALATE_CALL_AFTER_MIN: '0.1',
        SMPP_URL: smsc.url,
        SMPP_SYSTEM_ID: 'giaoban',
        SMPP_PASSWORD: 'smsc-pw',
        ...env,
      }),
      launchChromium([
        `--use-file-for-fake-audio-capture=${path.join(dir, 'commune.wav')}`,
        '--autoplay-policy=no-user-gesture-required',
      ]),
    ]);
    phone = await startPhone({
      ...env,
      REDIS_URL: app.redisUrl,
      PHONE_SIP_PORT: String(await freeUdpPort(ns.hostAddress)),
      PHONE_SIP_LISTEN_IP: ns.hostAddress,
      PHONE_APP_URL: app.url,
      PHONE_SIP_DIAL_URI: `sip:{number}@${ns.nsAddress}:5060`,
      PHONE_DIAL_TIMEOUT_S: '8',
    });
    b = await Baresip.start({
      dir: path.join(dir, 'callee'),
      netns: ns.name,
      ip: ns.nsAddress,
      source: path.join(dir, 'phone.wav'),
      lines: [
        { user: ANSWERS, autoAnswer: true },
        { user: NEVER, autoAnswer: false },
      ],
    });
    for (const u of ['admin', 'host450', 'chihuy', 'u18853', 'u18856'])
      tokens[u] = await login(app.url, u);
    for (const [unit, n] of [
      ['18856', ANSWERS],
      ['18853', NEVER],
    ])
      expect((await rest('PUT', `/units/${unit}/phones`, 'admin', { numbers: [n] })).status).toBe(
        200,
      );
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
    host = await connect(app.url, tokens.host450);
    expect((await host.request('meeting:join', { meetingId, deviceId: 'host-device' })).ok).toBe(
      true,
    );
  });
  afterAll(async () => {
    host?.close();
    if (process.env.PHONE_DEBUG) say(b?.output ?? '');
    await b?.stop();
    await phone?.close();
    await browser?.close();
    await app?.close();
    await smsc?.stop();
    if (ns) await destroyPhoneNs(ns);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the host sees which units can be called; only a host may call', async () => {
    const seen = (await rest('GET', `/meetings/${meetingId}/phone`, 'host450'))
      .body as MeetingPhone;
    expect(seen.dialOut).toBe(true);
    expect(seen.pins.find((p) => p.unitId === '18856')?.callable).toBe(true);
    expect(seen.pins.find((p) => p.unitId === '450')?.callable).toBe(false);
    const own = (await rest('GET', `/meetings/${meetingId}/phone`, 'u18853')).body as MeetingPhone;
    expect(own.dialOut).toBeUndefined();
    const denied = await rest('POST', `/meetings/${meetingId}/phone/calls`, 'u18853', {
      unitId: '18856',
    });
    expect(denied.status).toBe(403);
  });

  it('"Gọi điện": baresip rings, answers, presses 1, joins as its unit, hears and is heard', async () => {
    page = await openHarnessPage(browser, app.url, await buildMeetingHarness(), 'u18853');
    expect(await harnessJoin(page, { token: tokens.u18853!, meetingId, mic: true })).toBe(true);
    const t0 = Date.now();
    const placed = await rest('POST', `/meetings/${meetingId}/phone/calls`, 'host450', {
      unitId: '18856',
    });
    expect(placed.status).toBe(202);
    expect((placed.body as DialCall).state).toBe('queued');
    const call = await pressOne();
    say(
      `dial-out: request → callee in the meeting ${Date.now() - t0} ms, of which the key ${call.times.pinAt! - t0} ms (load ${loadavg()[0]!.toFixed(1)})`,
    );
    await expect
      .poll(async () => (await callOf('18856'))?.state, { timeout: 5_000 })
      .toBe('joined');
    const joined = { endpoint: await phoneJoined(host) };
    expect(joined.endpoint.unitId).toBe('18856');

    await sleep(1_000);
    const inMeetingFrom = (Date.now() - call.times.answered) / 1000;
    await expect.poll(() => playRemoteAudio(page!), { timeout: 10_000 }).toBeGreaterThan(0);
    const chromiumHeard = await heardDb(page, 4_000);
    say(`callee → Chromium: ${chromiumHeard.toFixed(1)} dBFS`);
    expect(chromiumHeard).toBeGreaterThan(-30);

    // The callee hangs up: the call ends, the endpoint leaves.
    await b.command('hangup');
    await expect.poll(() => phone.server.calls.length, { timeout: 10_000 }).toBe(0);
    expect(phone.server.ended.at(-1)!.reason).toBe('callerHungUp');
    const dec = b.dumps().find((f) => f.endsWith('-dec.wav'))!;
    const commune = await bandDb(dec, 440, inMeetingFrom, 4);
    say(`Chromium → callee: 440 Hz ${commune.toFixed(1)} dB`);
    expect(commune).toBeGreaterThan(-40);

    // Attendance: commune 18856 joined by phone, with its minutes by phone.
    const occurrence = `${meetingId}.${app.scheduler.meetings.store.get(meetingId)!.starts[0]}`;
    const att = (await rest('GET', `/attendance/${occurrence}`, 'host450'))
      .body as AttendanceResponse;
    const row = att.rows.find((r) => r.unitId === '18856')!;
    expect(row.joinedByPhone).toBe(true);
    expect(row.minutesByPhone).toBeGreaterThan(0);
    expect(att.rows.find((r) => r.unitId === '18853')!.joinedByPhone).toBe(false);
    await page.close();
    page = undefined;
  });

  it('nobody answers: "noAnswer" after the ring time, and the role goes on', async () => {
    const placed = await rest('POST', `/meetings/${meetingId}/phone/calls`, 'host450', {
      unitId: '18853',
    });
    expect(placed.status).toBe(202);
    await expect
      .poll(async () => (await callOf('18853'))?.state, { timeout: 10_000 })
      .toBe('ringing');
    await expect
      .poll(async () => (await callOf('18853'))?.state, { timeout: 20_000 })
      .toBe('noAnswer');
    expect(phone.server.calls.length).toBe(0);
  });

  it('an emergency texts, then calls, the unit that did not acknowledge (smsSentAt, calledAt, phoneJoinedAt), not the one that did', async () => {
    const res = await rest('POST', '/emergencies', 'chihuy', {
      title: 'Lũ quét',
      selectors: [
        { type: 'unit', unitId: '18853' },
        { type: 'unit', unitId: '18856' },
      ],
    });
    expect(res.status).toBe(201);
    const e = (res.body as ConveneResponse).emergency;
    expect(
      (await rest('POST', `/emergencies/${e.id}/ack`, 'u18853', { stage: 'acknowledged' })).status,
    ).toBe(204);
    // PHONE_ESCALATE_CALL_AFTER_MIN=0.1: 6 s after the alert, 18856 is called and answers.
    await pressOne();
    const rollCall = async () =>
      ((await rest('GET', `/emergencies/${e.id}`, 'chihuy')).body as { rollCall: RollCall })
        .rollCall;
    await expect
      .poll(async () => (await rollCall()).units.find((u) => u.unitId === '18856')?.phoneJoinedAt, {
        timeout: 10_000,
      })
      .toBeTruthy();
    const rc = await rollCall();
    const called = rc.units.find((u) => u.unitId === '18856')!;
    expect(called.calledAt).toBeTruthy();
    expect(Date.parse(called.calledAt!)).toBeLessThanOrEqual(Date.parse(called.phoneJoinedAt!));
    // The SMS went first: to the unit's number, with the title, the dial-in number and its PIN.
    expect(called.smsSentAt).toBeTruthy();
    expect(Date.parse(called.smsSentAt!)).toBeLessThanOrEqual(Date.parse(called.calledAt!));
    const texts = smsc.received.filter((m) => m.destination === ANSWERS);
    expect(texts).toHaveLength(1);
    expect(texts[0]!.text).toContain('Lũ quét');
    expect(texts[0]!.text).toContain('02323800017');
    const acked = rc.units.find((u) => u.unitId === '18853')!;
    expect(acked.acknowledgedAt).toBeTruthy();
    expect(acked.calledAt).toBeNull();
    expect(acked.smsSentAt).toBeNull();
    expect(smsc.received.filter((m) => m.destination === NEVER)).toEqual([]);
    await b.command('hangup');
    await expect.poll(() => phone.server.calls.length, { timeout: 10_000 }).toBe(0);
  });

  it('a unit that acknowledges while its phone rings: the call is cancelled (CANCEL), not "noAnswer"', async () => {
    const res = await rest('POST', '/emergencies', 'chihuy', {
      title: 'Sạt lở',
      selectors: [{ type: 'unit', unitId: '18853' }],
    });
    const e = (res.body as ConveneResponse).emergency;
    const state = async () =>
      (
        (await rest('GET', `/meetings/${e.meetingId}/phone`, 'chihuy')).body as MeetingPhone
      ).calls?.find((c) => c.unitId === '18853')?.state;
    await expect.poll(state, { timeout: 20_000 }).toBe('ringing');
    const acked = Date.now();
    expect(
      (await rest('POST', `/emergencies/${e.id}/ack`, 'u18853', { stage: 'acknowledged' })).status,
    ).toBe(204);
    await expect.poll(state, { timeout: 6_000 }).toBe('cancelled');
    say(`dial-out cancelled ${Date.now() - acked} ms after the acknowledgement`);
    await sleep(1_000);
    expect(await state()).toBe('cancelled');
    expect(phone.server.calls.length).toBe(0);
  });

  it('a unit that acknowledges in the app after answering, before pressing 1: a goodbye, then BYE, "cancelled"', async () => {
    const res = await rest('POST', '/emergencies', 'chihuy', {
      title: 'Ngập lụt',
      selectors: [{ type: 'unit', unitId: '18856' }],
    });
    const e = (res.body as ConveneResponse).emergency;
    const state = async () =>
      (
        (await rest('GET', `/meetings/${e.meetingId}/phone`, 'chihuy')).body as MeetingPhone
      ).calls?.find((c) => c.unitId === '18856')?.state;
    // 6 s after the alert the unit's phone is called; baresip answers by itself, 1 is not pressed.
    await expect.poll(() => phone.server.calls.length, { timeout: 20_000 }).toBe(1);
    const call = phone.server.calls[0]!;
    await expect.poll(state, { timeout: 5_000 }).toBe('answered');
    const acked = Date.now();
    expect(
      (await rest('POST', `/emergencies/${e.id}/ack`, 'u18856', { stage: 'acknowledged' })).status,
    ).toBe(204);
    // Asked again within 3 s, then the goodbye (~5 s of speech) and BYE: long before the
    // menu's own end (the prompt twice with 4 s pauses).
    await expect.poll(() => phone.server.calls.length, { timeout: 12_000 }).toBe(0);
    const end = phone.server.ended.find((x) => x.call === call)!;
    say(`answered dial-out released ${Date.now() - acked} ms after the acknowledgement`);
    expect(end.reason).toBe('notNeeded');
    expect(call.state).toBe('ended');
    await expect.poll(state, { timeout: 5_000 }).toBe('cancelled');
    const rc = (
      (await rest('GET', `/emergencies/${e.id}`, 'chihuy')).body as { rollCall: RollCall }
    ).rollCall.units.find((u) => u.unitId === '18856')!;
    expect(rc.calledAt).toBeTruthy();
    expect(rc.phoneJoinedAt).toBeNull();
  });
});
