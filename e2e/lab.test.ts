import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { Redis } from 'ioredis';
import { clusterKeys } from '../sfu/src/remote/keys';
import { login, startMeeting } from '../signaling/src/testing/clients';
import { launchInNamespace, selectedPaths, type SelectedPair } from '../infra/lab/chromium';
import { ProvinceLab } from '../infra/lab/lab';
import type { Commune } from '../infra/lab/topology';
import { profile } from '../infra/netem/profiles';
import { buildMeetingHarness, harnessJoin, harnessSelfId, openHarnessPage } from './harness';

interface Inbound {
  endpointId: string;
  kind: string;
  bytesReceived: number;
}
const audioFrom = async (page: Page, endpointId: string) =>
  (
    (await page.evaluate(() =>
      (
        globalThis as unknown as { giaobanMeeting?: { inboundStats(): Promise<Inbound[]> } }
      ).giaobanMeeting?.inboundStats(),
    )) ?? []
  )
    .filter((s) => s.endpointId === endpointId && s.kind === 'audio')
    .reduce((n, s) => n + s.bytesReceived, 0);

/** Each page receives audio bytes from the other's current endpoint, and more a moment later. */
async function hearEachOther(a: Page, b: Page, timeout: number): Promise<void> {
  for (const [page, other] of [
    [a, b],
    [b, a],
  ] as const) {
    const id = async () => (await harnessSelfId(other)) ?? '';
    await expect.poll(async () => audioFrom(page, await id()), { timeout }).toBeGreaterThan(0);
    const x = await audioFrom(page, await id());
    await expect
      .poll(async () => audioFrom(page, await id()), { timeout: 10_000 })
      .toBeGreaterThan(x);
  }
}

/**
 * The province data centre in network namespaces (infra/lab): Redis, two SFU
 * nodes, two signaling nodes and the edge, each started from its systemd unit
 * and env file of infra/deploy; communes in Chromium behind shaped links and
 * firewalls, reaching the edge over HTTPS with the lab's certificate.
 */
describe('province lab (network namespaces, units of infra/deploy, Chromium in communes)', () => {
  let lab: ProvinceLab;
  let harness: string;
  const browsers: Browser[] = [];
  let open: { commune: Commune; page: Page };
  let closed: { commune: Commune; page: Page };
  let meetingId: string;

  beforeAll(async () => {
    [lab, harness] = await Promise.all([ProvinceLab.start(), buildMeetingHarness()]);
  }, 420_000);
  afterAll(async () => {
    for (const b of browsers) await b.close().catch(() => undefined);
    await lab?.close();
  });

  const enter = async (commune: Commune, unit: string): Promise<Page> => {
    const browser = await launchInNamespace(commune.ns, lab.chromiumTlsArgs);
    browsers.push(browser);
    const page = await openHarnessPage(browser, lab.edgeUrl, harness, `u${unit}`);
    const token = await login(lab.signalingUrl(), `u${unit}`);
    expect(await harnessJoin(page, { token, meetingId, mic: true })).toBe(true);
    return page;
  };
  const sfuAddresses = () => new Set([lab.role('sfu-1').address, lab.role('sfu-2').address]);
  const paths = async (page: Page) => {
    let got: SelectedPair[] | undefined;
    await expect
      .poll(async () => (got = await selectedPaths(page)), { timeout: 20_000 })
      .toBeDefined();
    return got!;
  };

  it('an open commune sends media over UDP straight to its SFU node; a commune that can reach only TCP 443 joins through TURN over TLS on the edge; each hears the other', async () => {
    const host = await login(lab.signalingUrl(), 'host450');
    meetingId = await startMeeting(lab.signalingUrl(), host, ['18853', '18856']);
    open = { commune: await lab.addCommune(profile('good'), 'open'), page: undefined! };
    // No UDP at all, no TCP but 443 (infra/lab/firewall.test.ts proves the firewall holds):
    // direct ICE fails, the client falls back to relay-only after 5 s, TURN/UDP 3478 is
    // dropped too, and TURN over TLS through HAProxy's 443 to coturn carries the media.
    closed = { commune: await lab.addCommune(profile('3g'), 'tcp443'), page: undefined! };
    open.page = await enter(open.commune, '18853');
    closed.page = await enter(closed.commune, '18856');
    await hearEachOther(open.page, closed.page, 30_000);

    const redis = new Redis(lab.redisUrl);
    const node = await redis.get(clusterKeys.placement(meetingId));
    redis.disconnect();
    const nodeAddress = lab.role(node as 'sfu-1' | 'sfu-2').address;
    for (const p of await paths(open.page))
      expect(p).toMatchObject({ path: 'udp', remoteAddress: nodeAddress });
    // The relay's peer is the SFU node; the browser's own side is a relay candidate
    // allocated over TLS (getStats: local candidateType relay, relayProtocol tls).
    for (const p of await paths(closed.page))
      expect(p).toMatchObject({ path: 'turn-tls', remoteAddress: nodeAddress });
  }, 240_000);

  it("killing every process of the SFU node's machine moves the meeting: the communes hear each other again through the other node", async () => {
    const redis = new Redis(lab.redisUrl);
    const victim = (await redis.get(clusterKeys.placement(meetingId))) as 'sfu-1' | 'sfu-2';
    const before = [await harnessSelfId(open.page), await harnessSelfId(closed.page)];
    const t0 = performance.now();
    expect((await lab.killMachine(victim)).length).toBeGreaterThan(0);
    await expect
      .poll(
        async () => {
          const now = [await harnessSelfId(open.page), await harnessSelfId(closed.page)];
          return now.every((id, i) => id && id !== before[i]);
        },
        { timeout: 30_000 },
      )
      .toBe(true);
    await hearEachOther(open.page, closed.page, 30_000);
    const movedTo = await redis.get(clusterKeys.placement(meetingId));
    redis.disconnect();
    expect(movedTo).not.toBe(victim);
    const survivor = lab.role(movedTo as 'sfu-1' | 'sfu-2').address;
    for (const p of [...(await paths(open.page)), ...(await paths(closed.page))]) {
      expect(sfuAddresses().has(p.remoteAddress)).toBe(true);
      expect(p.remoteAddress).toBe(survivor);
    }
    process.stdout.write(
      `lab: SFU machine ${victim} killed, communes hear each other after ${Math.round(performance.now() - t0)} ms\n`,
    );
  }, 180_000);
});
