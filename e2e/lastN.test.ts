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
  bytesReceived: number;
}
type Gb = {
  gb: {
    useMeeting: {
      getState(): Record<string, unknown> & {
        join(o: object): Promise<boolean>;
        giveFloor(id: string): Promise<boolean>;
      };
    };
  };
  giaobanMeeting: { inboundStats(): Promise<Inbound[]> };
};

// Real server (LAST_N_VIDEOS=1, one mediasoup worker), real Chromium with fake cameras:
// the host receives two communes' cameras but only one video flows, and the floor moves it.
describe('last-N video end to end', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let browser: Browser;
  let harness: string;
  let meetingId: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startTestApp({ SFU_WORKERS: '1', LAST_N_VIDEOS: '1' }),
      launchChromium(),
    ]);
    harness = await buildMeetingHarness();
    for (const u of ['host450', 'u18853', 'u18856']) tokens[u] = await login(app.url, u);
    meetingId = await startMeeting(app.url, tokens.host450!, ['18853', '18856']);
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function joined(who: string): Promise<{ page: Page; id: string }> {
    const page = await openHarnessPage(browser, app.url, harness, who);
    const ok = await harnessJoin(page, { token: tokens[who]!, meetingId, mic: true, camera: true });
    expect(ok).toBe(true);
    const id = await page.evaluate(
      () => ((globalThis as unknown as Gb).gb.useMeeting.getState().self as { id: string }).id,
    );
    return { page, id };
  }

  const videoBytes = async (page: Page, endpointId: string) =>
    (await page.evaluate(() => (globalThis as unknown as Gb).giaobanMeeting.inboundStats()))
      .filter((s) => s.endpointId === endpointId && s.kind === 'video')
      .reduce((n, s) => n + s.bytesReceived, 0);
  /** Bytes of each commune's video received by the host over `ms`. */
  const growth = async (page: Page, ids: string[], ms = 2_500) => {
    const before = await Promise.all(ids.map((id) => videoBytes(page, id)));
    await new Promise((r) => setTimeout(r, ms));
    const after = await Promise.all(ids.map((id) => videoBytes(page, id)));
    return after.map((n, i) => n - before[i]!);
  };
  const selection = (page: Page) =>
    page.evaluate(
      () =>
        (globalThis as unknown as Gb).gb.useMeeting.getState().videoSelection as string[] | null,
    );

  it('sends the host one of the two cameras, then the floor holder only', async () => {
    const a = await joined('u18853');
    const b = await joined('u18856');
    const host = await joined('host450');
    // Once the host's link is known (audio first, ~4 s), exactly one video flows.
    await expect.poll(() => selection(host.page), { timeout: 20_000 }).toHaveLength(1);
    await expect
      .poll(async () => (await growth(host.page, [a.id, b.id])).filter((n) => n > 0).length, {
        timeout: 15_000,
      })
      .toBe(1);

    for (const holder of [b, a]) {
      const other = holder === a ? b : a;
      const ok = await host.page.evaluate(
        (id) => (globalThis as unknown as Gb).gb.useMeeting.getState().giveFloor(id),
        holder.id,
      );
      expect(ok).toBe(true);
      await expect
        .poll(
          async () => {
            const [h, o] = await growth(host.page, [holder.id, other.id]);
            return h! > 0 && o === 0;
          },
          { timeout: 15_000 },
        )
        .toBe(true);
      const producers = await host.page.evaluate(
        (id) =>
          (
            (globalThis as unknown as Gb).gb.useMeeting.getState().endpoints as Record<
              string,
              { producers: { id: string; kind: string }[] }
            >
          )[id]!.producers,
        holder.id,
      );
      const camera = producers.find((p) => p.kind === 'video')!.id;
      expect(await selection(host.page)).toEqual([camera]);
    }
  });
});
