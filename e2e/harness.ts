import type { Browser, Page } from 'playwright-core';
import { appEngineBundle } from './weakLink/probe';

/**
 * The client's meeting store and media engine injected into a page
 * (client/src/features/meeting/testing/e2eHarness.ts), for browser tests and
 * benchmarks that drive the engine without the UI. No vitest here: the
 * benchmarks use it too.
 */

/** The harness as one script (bundled once per process). */
export const buildMeetingHarness = appEngineBundle;

/**
 * A page of `origin` with the meeting harness injected: any same-origin page
 * will do (the harness brings the client's meeting store and engine).
 */
export async function openHarnessPage(
  browser: Browser,
  origin: string,
  harness: string,
  who: string,
): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error(who, e.message));
  await page.goto(`${origin}/healthz`);
  await page.addScriptTag({ content: harness });
  return page;
}

interface HarnessGlobal {
  gb: {
    useMeeting: {
      getState(): { join(o: object): Promise<boolean>; self: { id: string } | null };
    };
  };
}

/** The harness's meeting store joins, as the room screen does (signaling at the page's origin). */
export function harnessJoin(
  page: Page,
  o: {
    token: string;
    meetingId: string;
    mic?: boolean;
    camera?: boolean;
    /** What the device knows of its link (the pre-join screen's measurement). */
    link?: { measured: 'good' | 'weak' | 'unknown' };
  },
): Promise<boolean> {
  return page.evaluate(
    (opts) => (globalThis as unknown as HarnessGlobal).gb.useMeeting.getState().join(opts),
    o,
  );
}

/** This page's endpoint id in the meeting (a rejoin gets a new one). */
export function harnessSelfId(page: Page): Promise<string | undefined> {
  return page.evaluate(
    () => (globalThis as unknown as HarnessGlobal).gb.useMeeting.getState().self?.id,
  );
}
