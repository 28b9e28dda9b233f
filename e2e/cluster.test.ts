import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { clusterKeys } from '../sfu/src/remote/keys';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { startTestCluster, type TestCluster } from '../infra/test/cluster';
import { launchChromium } from './browser';
import {
  buildMeetingHarness,
  loginAs,
  harnessJoin,
  harnessSelfId,
  openHarnessPage,
} from './fixtures';

interface Inbound {
  endpointId: string;
  kind: string;
  bytesReceived: number;
}

/**
 * Two communes in one meeting through the cluster: Debian's Chromium → the
 * balancer → a signaling node (SFU_MODE=remote) → Redis → an SFU node
 * process, whose WebRtcServer carries the media. The real client meeting
 * store and engine, injected as a bundle.
 */
describe('cluster end to end: two communes exchange audio through the balancer', () => {
  let cluster: TestCluster;
  let browser: Browser;
  let harness: string;

  beforeAll(async () => {
    [cluster, browser, harness] = await Promise.all([
      startTestCluster(),
      launchChromium(),
      buildMeetingHarness(),
    ]);
  });
  afterAll(async () => {
    await browser?.close();
    await cluster?.close();
  });

  // Any page of the balancer's origin will do: the harness brings the meeting store.
  const open = (who: string) => openHarnessPage(browser, cluster.url, harness, who);

  /** As the app does: signaling at the page's origin (the balancer), the meetingId in the handshake. */
  const join = (page: Page, token: string, meetingId: string) =>
    harnessJoin(page, { token, meetingId, mic: true });

  const selfId = harnessSelfId;

  const audioBytesFrom = async (page: Page, endpointId: string) =>
    (
      (await page.evaluate(() =>
        (
          globalThis as unknown as { giaobanMeeting: { inboundStats(): Promise<Inbound[]> } }
        ).giaobanMeeting.inboundStats(),
      )) as Inbound[]
    )
      .filter((s) => s.endpointId === endpointId && s.kind === 'audio')
      .reduce((n, s) => n + s.bytesReceived, 0);

  it('both communes land on one signaling node, the media on one SFU node, and each hears the other', async () => {
    const host = await login(cluster.url, 'host450');
    const meetingId = await startMeeting(cluster.url, host, ['18853', '18856']);
    const [a, b] = await Promise.all([open('u18853'), open('u18856')]);
    expect(await join(a, await login(cluster.url, 'u18853'), meetingId)).toBe(true);
    expect(await join(b, await login(cluster.url, 'u18856'), meetingId)).toBe(true);

    const hosting = cluster.signaling.filter((s) => s.signaling.meetingState(meetingId));
    expect(hosting).toHaveLength(1);
    expect(hosting[0]!.signaling.meetingState(meetingId)?.endpoints).toHaveLength(2);
    const sfuNode = await cluster.redis.client().get(clusterKeys.placement(meetingId));
    expect(['sfu-1', 'sfu-2']).toContain(sfuNode);

    const [aId, bId] = [await selfId(a), await selfId(b)];
    for (const [page, other] of [
      [a, bId!],
      [b, aId!],
    ] as const) {
      await expect.poll(() => audioBytesFrom(page, other), { timeout: 20_000 }).toBeGreaterThan(0);
      const x = await audioBytesFrom(page, other);
      await expect.poll(() => audioBytesFrom(page, other), { timeout: 10_000 }).toBeGreaterThan(x);
    }
  });

  it('through the real app: log in, "Tham gia", pre-join, join — both communes in one room, hearing each other', async () => {
    const host = await login(cluster.url, 'host450');
    const meetingId = await startMeeting(cluster.url, host, ['18865', '18868']);
    const enter = async (username: string) => {
      // Every page, script, REST call and socket goes through the balancer.
      const page = await loginAs(browser, cluster.url, username);
      const card = page.locator('article.occurrence', { hasText: 'Họp thử' });
      await card.waitFor({ timeout: 15_000 });
      await card.getByRole('button', { name: 'Tham gia' }).click();
      await page.waitForURL(/\/join\//);
      await page.locator('[data-verdict]').waitFor({ timeout: 20_000 });
      await page.getByRole('button', { name: 'Tham gia' }).click();
      await page.waitForURL(/\/meeting\//);
      await page.waitForFunction(
        () =>
          !!(globalThis as { giaobanMeeting?: { endpointId?: string } }).giaobanMeeting?.endpointId,
        undefined,
        { timeout: 15_000 },
      );
      return page;
    };
    const a = await enter('u18865');
    const b = await enter('u18868');
    const hosting = cluster.signaling.filter((s) => s.signaling.meetingState(meetingId));
    expect(hosting).toHaveLength(1);
    expect(hosting[0]!.signaling.meetingState(meetingId)?.endpoints).toHaveLength(2);
    const endpointOf = (page: Page) =>
      page.evaluate(
        () =>
          (globalThis as unknown as { giaobanMeeting: { endpointId: string } }).giaobanMeeting
            .endpointId,
      );
    const [aId, bId] = [await endpointOf(a), await endpointOf(b)];
    await expect.poll(() => audioBytesFrom(a, bId), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => audioBytesFrom(b, aId), { timeout: 20_000 }).toBeGreaterThan(0);
    await a.context().close();
    await b.context().close();
  });
});
