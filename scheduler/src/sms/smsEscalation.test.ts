import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp } from '../../../infra/test/app';
import { startTestSmsc, type TestSmsc } from '../../../infra/test/smsc';
import type { LoginResponse } from '../api/auth';
import type { ConveneResponse } from '../api/emergency';
import type { RollCall } from '../api/notifications';
import type { MeetingPhone } from '../api/phone';

/**
 * Alert escalation by SMS on the whole app (all-in-one, real redis-server) against a
 * real SMPP server started here as the carrier's SMSC (infra/test/smsc.ts: the `smpp`
 * package's server: bind, submit_sm, deliver_sm receipts). The escalation delay is
 * 3 s through the configuration (SMS_ESCALATE_AFTER_MIN=0.05).
 */
const DIAL_IN = '02323822999';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until<T>(
  what: string,
  f: () => Promise<T | undefined> | T | undefined,
  ms = 20_000,
) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

describe('alert escalation by SMS (whole app, test SMSC over SMPP)', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let smsc: TestSmsc;
  const tokens = new Map<string, string>();
  const call = async <T>(who: string, method: string, path: string, body?: unknown) => {
    let token = tokens.get(who);
    if (!token) {
      const res = await fetch(`${app.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: who, password: 'GiaoBan@2026' }),
      });
      token = ((await res.json()) as LoginResponse).token;
      tokens.set(who, token);
    }
    const res = await fetch(`${app.url}/api${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
  };
  const rollCallUnit = async (id: string, unitId: string) => {
    const r = await call<{ rollCall: RollCall }>('chihuy', 'GET', `/emergencies/${id}`);
    return r.body.rollCall.units.find((u) => u.unitId === unitId)!;
  };
  const convene = async (title: string, unitIds: string[]) => {
    const r = await call<ConveneResponse>('chihuy', 'POST', '/emergencies', {
      title,
      selectors: unitIds.map((unitId) => ({ type: 'unit', unitId })),
    });
    expect(r.status).toBe(201);
    return r.body.emergency;
  };
  const pinOf = async (meetingId: string, unitId: string) =>
    (await call<MeetingPhone>(`u${unitId}`, 'GET', `/meetings/${meetingId}/phone`)).body.pins[0]!
      .pin;

  beforeAll(async () => {
    smsc = await startTestSmsc({ systemId: 'giaoban', password: 'smsc-pw' });
    app = await startTestApp({
      SFU_WORKERS: '1',
      SMPP_URL: smsc.url,
      SMPP_SYSTEM_ID: 'giaoban',
      SMPP_PASSWORD: 'smsc-pw',
      SMS_SENDER: 'BCH-QB',
      SMS_ESCALATE_AFTER_MIN: '0.05',
      SMPP_RECONNECT_MAX_S: '1',
      SMS_RETRY_BASE_S: '1',
      PHONE_SIP_NUMBER: DIAL_IN,
    });
    // Dân Hóa (18904): two numbers; Hóa Hợp (18907): one; Hồng Hóa (18910): one.
    for (const [unit, numbers] of [
      ['18904', ['0912 345 678', '+84 987 654 321']],
      ['18907', ['0911111111']],
      ['18910', ['0922222222']],
    ] as const) {
      const put = await call('admin', 'PUT', `/units/${unit}/phones`, { numbers });
      expect(put.status).toBe(200);
    }
  });
  afterAll(async () => {
    await app?.close();
    await smsc?.stop();
  }, 60_000);

  it('texts each number of a silent unit once (title, dial-in number, PIN in UCS2); not a unit that acknowledged', async () => {
    await until('the bind', () => (smsc.binds.some((b) => b.ok) ? true : undefined));
    const title = 'Lũ quét ở Minh Hóa: báo cáo tình hình ngay';
    const e = await convene(title, ['18904', '18907']);
    const ack = await call('u18907', 'POST', `/emergencies/${e.id}/ack`, { stage: 'acknowledged' });
    expect(ack.status).toBe(204);
    expect(smsc.received).toHaveLength(0);

    const sent = await until('two SMS', () =>
      smsc.received.length >= 2 ? smsc.received : undefined,
    );
    const pin = await pinOf(e.meetingId, '18904');
    expect(sent.map((s) => s.destination).sort()).toEqual(['0912345678', '84987654321']);
    for (const s of sent) {
      expect(s.dataCoding).toBe(8);
      expect(s.registeredDelivery).toBe(1);
      expect(s.source).toBe('BCH-QB');
      expect(s.text).toContain(title);
      expect(s.text).toContain(DIAL_IN);
      expect(s.text).toContain(`PIN ${pin}`);
    }
    const sentAt = await until(
      'smsSentAt',
      async () => (await rollCallUnit(e.id, '18904')).smsSentAt ?? undefined,
    );
    const deliveredAt = await until(
      'smsDeliveredAt',
      async () => (await rollCallUnit(e.id, '18904')).smsDeliveredAt ?? undefined,
    );
    expect(Date.parse(deliveredAt)).toBeGreaterThanOrEqual(Date.parse(sentAt));

    // Exactly once: nothing more comes, and the unit that acknowledged got nothing.
    await sleep(3000);
    expect(smsc.received).toHaveLength(2);
    expect(smsc.received.some((s) => s.destination === '0911111111')).toBe(false);
    const acked = await rollCallUnit(e.id, '18907');
    expect(acked.smsSentAt).toBeNull();
    expect(acked.smsDeliveredAt).toBeNull();
  }, 60_000);

  it('an SMSC down at convene does not stop the app; the SMS goes out once it is back', async () => {
    const before = smsc.received.length;
    await smsc.stop();
    const e = await convene('Sạt lở đất khẩn cấp', ['18910']);
    // Past the 3 s delay and the first attempt (which waits 5 s for a bind, then fails and
    // is retried with backoff): the app answers, nothing was sent.
    await sleep(9000);
    expect((await call('chihuy', 'GET', `/emergencies/${e.id}`)).status).toBe(200);
    expect((await rollCallUnit(e.id, '18910')).smsSentAt).toBeNull();

    await smsc.listen();
    const got = await until(
      'the SMS after the SMSC came back',
      () => (smsc.received.length > before ? smsc.received.slice(before) : undefined),
      30_000,
    );
    expect(got.map((s) => s.destination)).toEqual(['0922222222']);
    expect(got[0]!.text).toContain(`PIN ${await pinOf(e.meetingId, '18910')}`);
    await until(
      'smsDeliveredAt',
      async () => (await rollCallUnit(e.id, '18910')).smsDeliveredAt ?? undefined,
    );
    await sleep(2000);
    expect(smsc.received.length - before).toBe(1);
  }, 60_000);
});
