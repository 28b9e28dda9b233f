import { connect as tlsConnect } from 'node:tls';
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

/** Each engine transport's RTCPeerConnection configuration: relay-only or both, and its TURN servers. */
const iceConfig = (page: Page) =>
  page.evaluate(() => {
    interface T {
      handler: {
        _pc: { getConfiguration(): { iceTransportPolicy?: string; iceServers?: unknown[] } };
      };
    }
    const e = (globalThis as unknown as { giaobanMeeting: { sendTransport: T; recvTransport: T } })
      .giaobanMeeting;
    return [e.sendTransport, e.recvTransport].map((t) => {
      const c = t.handler._pc.getConfiguration();
      return { policy: c.iceTransportPolicy, turnServers: c.iceServers?.length ?? 0 };
    });
  });

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

  /** Joins; `hear`: also returns ms from the click to the first audio byte from that endpoint. */
  const enter = async (commune: Commune, unit: string, hear?: string) => {
    const browser = await launchInNamespace(commune.ns, lab.chromiumTlsArgs);
    browsers.push(browser);
    const page = await openHarnessPage(browser, lab.edgeUrl, harness, `u${unit}`);
    const token = await login(lab.signalingUrl(), `u${unit}`);
    const t0 = Date.now();
    const joined = harnessJoin(page, { token, meetingId, mic: true });
    let heardMs: number | undefined;
    if (hear) {
      await expect
        .poll(() => audioFrom(page, hear).catch(() => 0), { timeout: 30_000, interval: 50 })
        .toBeGreaterThan(0);
      heardMs = Date.now() - t0;
    }
    expect(await joined).toBe(true);
    return { page, heardMs };
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
    // direct checks go unanswered, TURN/UDP 3478 is dropped too, and the relay candidate
    // allocated over TLS through HAProxy's 443 to coturn — gathered from the start beside
    // the direct ones — carries the media.
    closed = { commune: await lab.addCommune(profile('3g'), 'tcp443'), page: undefined! };
    open.page = (await enter(open.commune, '18853')).page;
    const openId = await harnessSelfId(open.page);
    await expect
      .poll(
        () =>
          open.page.evaluate(
            () =>
              (
                globalThis as unknown as {
                  giaobanMeeting: { sendTransport?: { connectionState: string } };
                }
              ).giaobanMeeting.sendTransport?.connectionState,
          ),
        { timeout: 30_000 },
      )
      .toBe('connected');
    const entered = await enter(closed.commune, '18856', openId);
    closed.page = entered.page;
    await hearEachOther(open.page, closed.page, 30_000);
    // A fresh device on 3G behind a 443-only firewall hears within the 3 s from the
    // click (prepare and getUserMedia included); with the old 2 s wait for direct checks before
    // the relay was asked for, it took ≈ 4 s. No relay-only restart was needed.
    process.stdout.write(
      `lab: 443-only commune (3G, fresh device) heard after ${entered.heardMs} ms\n`,
    );
    expect(entered.heardMs).toBeLessThan(3_000);
    for (const c of await iceConfig(closed.page)) expect(c.policy).toBe('all');
    // The open commune had the TURN servers too, and still went direct.
    for (const c of await iceConfig(open.page)) expect(c.turnServers).toBeGreaterThan(0);

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
    // TLS without ALPN on the edge's 443 (as Chromium's TURN client) is TURN's, and HAProxy
    // ends it with TLS 1.3 (coturn 4.6.1 itself speaks 1.2: one round trip more).
    const version = await new Promise<string | null>((resolve, reject) => {
      const s = tlsConnect(
        { host: lab.role('edge').address, port: 443, rejectUnauthorized: false },
        () => {
          resolve(s.getProtocol());
          s.end();
        },
      );
      s.on('error', reject);
    });
    expect(version).toBe('TLSv1.3');
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
