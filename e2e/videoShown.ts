import type { Locator, Page } from 'playwright-core';

/**
 * What the user sees of a unit's video, measured inside the page (no vitest
 * here): a tile `figure[data-unit-id]` shows video when one of its <video>
 * elements is visible and has a decoded frame. The stopwatch starts on the
 * click itself (a capturing listener on the button) and stops on the first
 * animation frame where the unit's video shows, so the figure is the
 * browser's own time, not Playwright's round trips.
 *
 * (Strings, not functions, go to the page: this file is type-checked without
 * the DOM library.)
 */
const shownVideoJs = `(fig) => [...fig.querySelectorAll('video')].some(
  (v) => getComputedStyle(v).visibility === 'visible' && v.readyState >= 2 && v.videoWidth > 0)`;

/** Arms the stopwatch: click on `button` → the video of `unitId` shows. */
export async function armVideoStopwatch(button: Locator, unitId: string): Promise<void> {
  await button.evaluate(
    `(b, unitId) => {
      const shown = ${shownVideoJs};
      b.addEventListener('click', () => {
        const t0 = performance.now();
        globalThis.__videoShownMs = undefined;
        const tick = () => {
          const fig = document.querySelector('figure[data-unit-id="' + unitId + '"]');
          if (fig && shown(fig)) globalThis.__videoShownMs = performance.now() - t0;
          else requestAnimationFrame(tick);
        };
        requestAnimationFrame(tick);
      }, { capture: true });
    }`,
    unitId,
  );
}

/** Milliseconds from the armed click to the unit's video on screen (waits up to `timeoutMs`). */
export async function videoShownAfterClick(page: Page, timeoutMs = 30_000): Promise<number> {
  const handle = await page.waitForFunction('globalThis.__videoShownMs', undefined, {
    timeout: timeoutMs,
    polling: 50,
  });
  return Number(await handle.jsonValue());
}

/** Whether the unit's tile shows video now. */
export function unitVideoShown(page: Page, unitId: string): Promise<boolean> {
  return page.evaluate(
    `(() => { const fig = document.querySelector('figure[data-unit-id="${unitId}"]');
      return !!fig && (${shownVideoJs})(fig); })()`,
  ) as Promise<boolean>;
}
