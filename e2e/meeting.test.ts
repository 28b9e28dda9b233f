import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../infra/test/app';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { launchChromium } from './browser';
import { buildMeetingHarness, harnessJoin, openHarnessPage } from './fixtures';

interface Inbound {
  consumerId: string;
  endpointId: string;
  kind: string;
  source: string;
  bytesReceived: number;
}

// Real server (scheduler REST login + meetings, signaling, mediasoup on 2 workers), real Chromium with fake media.
describe('meeting media end to end', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let harness: string;
  let meetingId: string;
  const tokens: Record<string, string> = {};
  const pages: Record<string, Page> = {};

  beforeAll(async () => {
    [app, browser] = await Promise.all([startTestApp({ SFU_WORKERS: '2' }), launchChromium()]);
    harness = await buildMeetingHarness();
    for (const u of ['host450', 'u18853', 'u18856', 'u18859']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function open(who: string): Promise<Page> {
    const page = await openHarnessPage(browser, app.url, harness, who);
    pages[who] = page;
    return page;
  }

  const join = (page: Page, who: string) =>
    harnessJoin(page, { token: tokens[who]!, meetingId, mic: true, camera: true });

  const state = <T>(page: Page, pick: string): Promise<T> =>
    page.evaluate((pick) => {
      const s = (
        globalThis as unknown as { gb: { useMeeting: { getState(): Record<string, unknown> } } }
      ).gb.useMeeting.getState();
      return JSON.parse(
        JSON.stringify(
          pick.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], s),
        ),
      ) as unknown;
    }, pick) as Promise<T>;

  const inbound = (page: Page): Promise<Inbound[]> =>
    page.evaluate(() =>
      (
        globalThis as unknown as { giaobanMeeting: { inboundStats(): Promise<Inbound[]> } }
      ).giaobanMeeting.inboundStats(),
    );

  const bytesFrom = async (page: Page, endpointId: string, kind: string) =>
    (await inbound(page))
      .filter((s) => s.endpointId === endpointId && s.kind === kind)
      .reduce((n, s) => n + s.bytesReceived, 0);

  it("two communes each receive the other one's audio and video", async () => {
    const [a, b] = await Promise.all([open('u18853'), open('u18856')]);
    expect(await join(a, 'u18853')).toBe(true);
    expect(await join(b, 'u18856')).toBe(true);
    const aId = await state<string>(a, 'self.id');
    const bId = await state<string>(b, 'self.id');
    expect(await state<string>(a, 'self.unitName')).toBe('Phường Hải Thành');

    for (const [page, other] of [
      [a, bId],
      [b, aId],
    ] as const) {
      for (const kind of ['audio', 'video']) {
        await expect
          .poll(() => bytesFrom(page, other, kind), { timeout: 20_000 })
          .toBeGreaterThan(0);
        const x = await bytesFrom(page, other, kind);
        await expect
          .poll(() => bytesFrom(page, other, kind), { timeout: 10_000 })
          .toBeGreaterThan(x);
      }
    }
    // Screen share is a producer of its own: a canvas stands in for the captured screen.
    // (A string: this file is type-checked without the DOM library.)
    await a.evaluate(`(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 360;
      const g = canvas.getContext('2d');
      setInterval(() => {
        g.fillStyle = 'hsl(' + (Date.now() % 360) + ' 80% 50%)';
        g.fillRect(0, 0, 640, 360);
      }, 50);
      await globalThis.giaobanMeeting.start('screen', canvas.captureStream(10).getVideoTracks()[0]);
    })()`);
    const screenBytes = async () =>
      (await inbound(b))
        .filter((s) => s.endpointId === aId && s.source === 'screen')
        .reduce((n, s) => n + s.bytesReceived, 0);
    await expect.poll(screenBytes, { timeout: 15_000 }).toBeGreaterThan(0);
    const sb = await screenBytes();
    await expect.poll(screenBytes, { timeout: 10_000 }).toBeGreaterThan(sb);
    expect(await state<{ screen: boolean }>(a, 'local')).toMatchObject({ screen: true });
    // The ActiveSpeakerObserver names a speaker (the fake microphones beep).
    await expect
      .poll(() => state<string | null>(a, 'activeSpeakerId'), { timeout: 10_000 })
      .not.toBeNull();
    // Presence carries the other unit with its producers.
    const seen = await state<Record<string, { unitId: string; producers: { source: string }[] }>>(
      a,
      'endpoints',
    );
    expect(seen[bId]).toMatchObject({ unitId: '18856' });
    expect(seen[bId]!.producers.map((p) => p.source).sort()).toEqual(['camera', 'mic']);
  });

  it('a host mutes one commune and its audio stops at the other', async () => {
    const host = await open('host450');
    expect(await join(host, 'host450')).toBe(true);
    expect(await state<boolean>(host, 'isHost')).toBe(true);
    const a = pages.u18853!;
    const b = pages.u18856!;
    const bId = await state<string>(b, 'self.id');
    const before = await bytesFrom(a, bId, 'audio');
    await expect.poll(() => bytesFrom(a, bId, 'audio')).toBeGreaterThan(before);

    const muted = await host.evaluate(
      (id) =>
        (
          globalThis as unknown as {
            gb: { useMeeting: { getState(): { muteEndpoint(id: string): Promise<boolean> } } };
          }
        ).gb.useMeeting
          .getState()
          .muteEndpoint(id),
      bId,
    );
    expect(muted).toBe(true);
    await expect.poll(() => state<boolean>(b, 'mutedByHost')).toBe(true);
    await expect.poll(() => state<boolean>(b, 'local.mic')).toBe(false);
    // Let packets in flight arrive, then the audio byte count must stand still while video keeps flowing.
    await new Promise((r) => setTimeout(r, 1_000));
    const audio0 = await bytesFrom(a, bId, 'audio');
    const video0 = await bytesFrom(a, bId, 'video');
    await new Promise((r) => setTimeout(r, 2_000));
    await expect
      .poll(() => bytesFrom(a, bId, 'video'), { timeout: 10_000 })
      .toBeGreaterThan(video0);
    expect(await bytesFrom(a, bId, 'audio')).toBe(audio0);

    // Unmuting without the floor is refused.
    const again = await b.evaluate(() =>
      (
        globalThis as unknown as {
          gb: { useMeeting: { getState(): { toggleMic(): Promise<boolean> } } };
        }
      ).gb.useMeeting
        .getState()
        .toggleMic(),
    );
    expect(again).toBe(false);
    expect(await state<string>(b, 'error')).toBe('FLOOR_REQUIRED');
  });

  it('refuses a third, uninvited unit and nothing changes for the others', async () => {
    const a = pages.u18853!;
    const present = Object.keys(await state<object>(a, 'endpoints')).length;
    const stranger = await open('u18859');
    expect(await join(stranger, 'u18859')).toBe(false);
    expect(await state<string>(stranger, 'error')).toBe('NOT_INVITED');
    await new Promise((r) => setTimeout(r, 500));
    expect(Object.keys(await state<object>(a, 'endpoints'))).toHaveLength(present);
    expect(app.signaling.meetings()).toEqual([{ meetingId, endpoints: 3 }]);
  });

  it('keeps media flowing after an ICE restart and comes back after its SFU worker dies', async () => {
    const a = pages.u18853!;
    const unitEndpoint = async (page: Page, unitId: string) =>
      Object.values(
        await state<Record<string, { id: string; unitId: string }>>(page, 'endpoints'),
      ).find((e) => e.unitId === unitId)?.id;
    const bId = (await unitEndpoint(a, '18856'))!;
    await a.evaluate(() => {
      const e = (
        globalThis as unknown as {
          giaobanMeeting: { restartIce(t: unknown): Promise<void>; recvTransport: unknown };
        }
      ).giaobanMeeting;
      return e.restartIce(e.recvTransport);
    });
    const v0 = await bytesFrom(a, bId, 'video');
    await expect.poll(() => bytesFrom(a, bId, 'video'), { timeout: 10_000 }).toBeGreaterThan(v0);

    const [router] = await app.sfu.routers(meetingId);
    const worker = app.workers.workers[router!.workerIndex]!;
    process.kill(worker.worker.pid, 'SIGKILL');
    // Every endpoint on that worker is told to reconnect and joins again (new endpoint ids).
    await expect
      .poll(async () => (await unitEndpoint(a, '18856')) !== bId, { timeout: 20_000 })
      .toBe(true);
    await expect.poll(() => unitEndpoint(a, '18856'), { timeout: 20_000 }).toBeTruthy();
    const newB = (await unitEndpoint(a, '18856'))!;
    await expect.poll(() => bytesFrom(a, newB, 'video'), { timeout: 20_000 }).toBeGreaterThan(0);
    const v1 = await bytesFrom(a, newB, 'video');
    await expect.poll(() => bytesFrom(a, newB, 'video'), { timeout: 10_000 }).toBeGreaterThan(v1);
    expect(app.signaling.meetings()).toEqual([{ meetingId, endpoints: 3 }]);
  });
});
