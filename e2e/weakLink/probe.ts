import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import type {
  ProbeApi,
  ProbeJoinOptions,
  ProbeSnapshot,
} from '../../client/src/features/meeting/link/probe/probeTypes';

export type { ProbeSnapshot };

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEMO_PASSWORD = 'GiaoBan@2026';

const bundles = new Map<string, Promise<string>>();

/** One client entry bundled for the browser, once per process. */
function bundleOnce(entry: string): Promise<string> {
  let out = bundles.get(entry);
  if (!out) {
    out = build({
      entryPoints: [path.join(repoRoot, entry)],
      bundle: true,
      write: false,
      format: 'iife',
      platform: 'browser',
      target: 'chrome110',
      logLevel: 'silent',
    }).then((r) => r.outputFiles[0]!.text);
    bundles.set(entry, out);
  }
  return out;
}

/** The headless meeting client: the app's MeetingEngine without the app's screens. */
export const probeBundle = (): Promise<string> =>
  bundleOnce('client/src/features/meeting/link/probe/probeClient.ts');

/** The app's own meeting store and media engine (A's e2e harness). */
export const appEngineBundle = (): Promise<string> =>
  bundleOnce('client/src/features/meeting/testing/e2eHarness.ts');

async function api<T>(baseUrl: string, p: string, body: unknown, token?: string): Promise<T> {
  const res = await fetch(`${baseUrl}/api${p}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as T;
  if (!res.ok) throw new Error(`${p}: ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/** A session token for a seeded demo account (REST login, as the app does). */
export async function login(baseUrl: string, username: string): Promise<string> {
  const r = await api<{ token: string }>(baseUrl, '/auth/login', {
    username,
    password: DEMO_PASSWORD,
  });
  return r.token;
}

/** Opens a meeting now for these units, as a host; returns its id. */
export async function startMeeting(baseUrl: string, hostToken: string, unitIds: string[]) {
  const r = await api<{ meeting: { id: string } }>(
    baseUrl,
    '/meetings/start-now',
    {
      title: 'Kiểm tra đường truyền yếu',
      durationMinutes: 60,
      selectors: unitIds.map((unitId) => ({ type: 'unit', unitId })),
    },
    hostToken,
  );
  return r.meeting.id;
}

/**
 * A page of the app's origin (a tiny document, so a 2G link does not spend
 * the test loading the app bundle) with the probe client injected.
 */
export async function openProbe(browser: Browser, origin: string): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/healthz`, { timeout: 60_000 });
  await page.addScriptTag({ content: await probeBundle() });
  return page;
}

/** The probe is a global of the page; these callbacks run in the browser (no closures). */
type G = { gbProbe: ProbeApi };

/** What the pre-join screen does before the click (socket, Device, capabilities). */
export async function probePrepare(page: Page, o: ProbeJoinOptions): Promise<void> {
  await page.evaluate((opts) => (globalThis as unknown as G).gbProbe.prepare(opts), o);
}

export async function probeJoin(page: Page, o: ProbeJoinOptions): Promise<void> {
  await page.evaluate((opts) => (globalThis as unknown as G).gbProbe.join(opts), o);
}

export function probeSnapshot(page: Page): Promise<ProbeSnapshot> {
  return page.evaluate(() => (globalThis as unknown as G).gbProbe.snapshot());
}

export async function probeAudioOnly(page: Page, audioOnly: boolean): Promise<void> {
  await page.evaluate((a) => (globalThis as unknown as G).gbProbe.setAudioOnly(a), audioOnly);
}

export async function probeLeave(page: Page): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as G).gbProbe.leave()).catch(() => undefined);
}
