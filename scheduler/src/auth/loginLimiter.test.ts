import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSchedulerApp, type SchedulerTestApp } from '../testing/schedulerApp';

/**
 * Login throttling against a real redis-server, through the REST API, with
 * parallel bursts (the defect: 63 of 80 parallel guesses were checked against
 * a limit of 10) and guesses spread over many IPs (X-Forwarded-For, TRUST_PROXY=1).
 */
describe('login throttling (real redis-server)', () => {
  let app: SchedulerTestApp;
  beforeAll(async () => {
    app = await startSchedulerApp({
      TRUST_PROXY: '1',
      LOGIN_MAX_FAILURES: '10',
      LOGIN_MAX_FAILURES_PER_IP: '1000',
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '30',
    });
  });
  afterAll(async () => {
    await app?.close();
  });

  const login = (username: string, password: string, ip: string) =>
    fetch(`${app.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ username, password }),
    }).then(async (r) => ({
      status: r.status,
      body: (await r.json()) as {
        error?: { code: string; details?: { retryAfterSeconds?: number } };
      },
    }));

  it('checks at most the limit of 80 parallel wrong passwords from one IP', async () => {
    const answers = await Promise.all(
      Array.from({ length: 80 }, () => login('u18853', 'wrong-password', '10.50.0.1')),
    );
    const checked = answers.filter((a) => a.status === 401).length;
    const limited = answers.filter((a) => a.status === 429).length;
    expect(checked).toBeLessThanOrEqual(10);
    expect(checked + limited).toBe(80);
  });

  it('refuses the right password inside a burst that passed the limit', async () => {
    const burst = Array.from({ length: 40 }, (_, i) =>
      login('u18856', i === 35 ? 'GiaoBan@2026' : 'wrong-password', '10.50.0.2'),
    );
    // One after another, as an attacker's script would: the 36th has the right password.
    const answers = [];
    for (const b of burst) answers.push(await b);
    expect(answers[35]?.status).toBe(429);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(0);
  });

  it('throttles guesses at one account spread over 30 IPs, and lets its known IP in', async () => {
    // The commune signs in from its office once: that IP is known to the account from now on.
    expect((await login('u18859', 'GiaoBan@2026', '10.60.0.1')).status).toBe(200);
    const answers = [];
    for (let round = 0; round < 9; round++) {
      answers.push(
        ...(await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            login('u18859', `guess-${round}-${i}`, `10.70.${i}.1`),
          ),
        )),
      );
    }
    const checked = answers.filter((a) => a.status === 401).length;
    expect(answers).toHaveLength(270);
    expect(checked).toBeLessThanOrEqual(30);
    const limited = answers.find((a) => a.status === 429);
    // The first lock-out is short (60 s), never longer than the window.
    expect(limited?.body.error?.details?.retryAfterSeconds).toBeGreaterThan(0);
    expect(limited?.body.error?.details?.retryAfterSeconds).toBeLessThanOrEqual(60);
    // The attacker cannot lock the commune out: its own office still signs in.
    expect((await login('u18859', 'GiaoBan@2026', '10.60.0.1')).status).toBe(200);
    // A new IP with the right password waits like the attacker does.
    expect((await login('u18859', 'GiaoBan@2026', '10.80.0.1')).status).toBe(429);
  });

  it('does not count successful logins against a shared office IP', async () => {
    for (let i = 0; i < 15; i++)
      expect((await login('u18865', 'GiaoBan@2026', '10.90.0.1')).status).toBe(200);
  });
});
