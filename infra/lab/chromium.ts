import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { chromiumArgs } from '../../e2e/browser';

/**
 * Debian's Chromium inside a commune's namespace (through a wrapper that
 * enters it): everything it sends crosses the commune's shaped link and
 * firewall. `extraArgs` carry the lab's certificate trust.
 */
export async function launchInNamespace(ns: string, extraArgs: string[] = []): Promise<Browser> {
  const dir = mkdtempSync(path.join(tmpdir(), 'gblab-chromium-'));
  const wrapper = path.join(dir, 'chromium-in-ns.sh');
  const bin = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec ${ns} ${bin} "$@"\n`);
  chmodSync(wrapper, 0o755);
  const browser = await chromium.launch({
    executablePath: wrapper,
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
  });
  browser.once('disconnected', () => rmSync(dir, { recursive: true, force: true }));
  return browser;
}

/** The media path a page's meeting engine uses, from the selected ICE candidate pairs. */
export type MediaPath = 'udp' | 'tcp' | 'turn-udp' | 'turn-tcp' | 'turn-tls';

export interface SelectedPair {
  path: MediaPath;
  /** Where the browser sends: an SFU node's address, or the TURN server's. */
  remoteAddress: string;
  remotePort: number;
}

/** The selected pair of the engine's send and receive transports (undefined until ICE is connected). */
export async function selectedPaths(page: Page): Promise<SelectedPair[] | undefined> {
  const pairs = await page.evaluate(async () => {
    interface T {
      getStats(): Promise<Map<string, Record<string, unknown>>>;
    }
    const e = (globalThis as { giaobanMeeting?: { sendTransport?: T; recvTransport?: T } })
      .giaobanMeeting;
    const out: Record<string, unknown>[] = [];
    for (const t of [e?.sendTransport, e?.recvTransport]) {
      if (!t) return undefined;
      const stats = [...(await t.getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find(
        (s) =>
          s.type === 'candidate-pair' &&
          (s.id === transport?.selectedCandidatePairId || (s.nominated && s.state === 'succeeded')),
      );
      if (!pair) return undefined;
      const local = stats.find((s) => s.id === pair.localCandidateId);
      const remote = stats.find((s) => s.id === pair.remoteCandidateId);
      out.push({
        localType: local?.candidateType,
        localProtocol: local?.protocol,
        relayProtocol: local?.relayProtocol,
        remoteAddress: remote?.address ?? remote?.ip,
        remotePort: remote?.port,
      });
    }
    return out;
  });
  return pairs?.map((p) => {
    const relay = p.localType === 'relay';
    const kind = relay ? `turn-${String(p.relayProtocol)}` : String(p.localProtocol);
    return {
      path: kind as MediaPath,
      remoteAddress: String(p.remoteAddress),
      remotePort: Number(p.remotePort),
    };
  });
}
