import type { Page } from 'playwright-core';

/**
 * What the user sees of a unit's video, measured inside the page (no vitest
 * here): a tile `figure[data-unit-id]` shows video when one of its <video>
 * elements is visible and has a decoded frame. The stopwatch starts on the
 * click itself (a capturing listener on the button) and stops at the first
 * check (every 16 ms) where the unit's video shows, so the figure is the
 * browser's own time, not Playwright's round trips.
 *
 * (Strings, not functions, go to the page: this file is type-checked without
 * the DOM library.)
 */
const shownVideoJs = `(fig) => [...fig.querySelectorAll('video')].some(
  (v) => getComputedStyle(v).visibility === 'visible' && v.readyState >= 2 && v.videoWidth > 0)`;

/** Arms the stopwatch: a click on the button named `buttonName` → the video of `unitId` shows. */
export async function armVideoStopwatch(
  page: Page,
  buttonName: string,
  unitId: string,
): Promise<void> {
  const armed = await page.evaluate(`(() => {
    const shown = ${shownVideoJs};
    const unitId = ${JSON.stringify(unitId)};
    const b = [...document.querySelectorAll('button')].find(
      (x) => x.textContent.trim() === ${JSON.stringify(buttonName)});
    if (!b) return false;
    globalThis.__videoShownMs = undefined;
    b.addEventListener('click', () => {
      const t0 = performance.now();
      const timer = setInterval(() => {
        const fig = document.querySelector('figure[data-unit-id="' + unitId + '"]');
        if (!fig || !shown(fig)) return;
        globalThis.__videoShownMs = performance.now() - t0;
        clearInterval(timer);
      }, 16);
    }, { capture: true });
    return true;
  })()`);
  if (armed !== true) throw new Error(`no button "${buttonName}" to arm`);
}

/** Milliseconds from the armed click to the unit's video on screen (waits up to `timeoutMs`). */
export async function videoShownAfterClick(page: Page, timeoutMs = 30_000): Promise<number> {
  // A function, not a string: Playwright evals a string predicate in the page, which the app's CSP forbids.
  const handle = await page.waitForFunction(
    () => (globalThis as { __videoShownMs?: number }).__videoShownMs,
    undefined,
    {
      timeout: timeoutMs,
      polling: 50,
    },
  );
  return Number(await handle.jsonValue());
}

/** Whether the unit's tile shows video now. */
export function unitVideoShown(page: Page, unitId: string): Promise<boolean> {
  return page.evaluate(
    `(() => { const fig = document.querySelector('figure[data-unit-id="${unitId}"]');
      return !!fig && (${shownVideoJs})(fig); })()`,
  ) as Promise<boolean>;
}
