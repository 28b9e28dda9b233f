import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { login as loginForm } from './fixtures';
import { COMMUNE_GOOD, createStage, type Stage } from './weakLink/stage';
import { unitVideoShown } from './videoShown';

/**
 * Audio-only that the link machine decided is not shown as the user's choice:
 * the app's own UI in a shaped network namespace (infra/netem). The commune
 * joins on a good link through the pre-join screen, the link turns 2G: the room
 * says the system went audio-only and that video comes back by itself, and
 * the "Chỉ âm thanh" button stays unpressed; back on a good link the video
 * returns and the message goes.
 */
describe('automatic audio-only in the room (shaped link, real UI)', () => {
  let stage: Stage;
  let context: BrowserContext;
  let page: Page;
  const speakerUnit = '44'; // the stage's first speaker: host44, with simulcast video

  beforeAll(async () => {
    stage = await createStage({ profile: 'good', speakers: 1, speakerVideo: true });
    context = await stage.shapedBrowser.newContext({
      baseURL: stage.shapedOrigin,
      viewport: { width: 1280, height: 800 },
    });
    page = await context.newPage();
    await loginForm(page, COMMUNE_GOOD);
  });
  afterAll(async () => {
    await context?.close();
    await stage?.close();
  });

  const audioOnlyButton = () =>
    page
      .getByRole('toolbar', { name: 'Điều khiển phòng họp' })
      .getByRole('button', { name: 'Chỉ âm thanh' });

  it('joins with video on a good link', async () => {
    await page.goto(`/join/${stage.meetingId}`);
    await page.locator('[data-verdict="good"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Tham gia' }).click();
    await expect.poll(() => unitVideoShown(page, speakerUnit), { timeout: 15_000 }).toBe(true);
    expect(await audioOnlyButton().getAttribute('aria-pressed')).toBe('false');
  });

  it('on 2G the room says the system went audio-only, not the user; the button stays unpressed', async () => {
    await stage.link.setProfile('2g');
    const notice = page.locator('[data-auto-audio-only="fell"]');
    await notice.waitFor({ timeout: 20_000 });
    expect(await notice.textContent()).toBe(
      'Đường truyền yếu nên hệ thống tạm chuyển sang chỉ âm thanh (không phải do bạn chọn). Hình sẽ tự bật lại khi đường truyền ổn định.',
    );
    expect(await audioOnlyButton().getAttribute('aria-pressed')).toBe('false');
    // The camera stays the user's to switch: not disabled by the link machine's choice.
    const camera = page
      .getByRole('toolbar', { name: 'Điều khiển phòng họp' })
      .getByRole('button', { name: 'Camera' });
    expect(await camera.isDisabled()).toBe(false);
  });

  it('back on a good link the video returns by itself and the message goes', async () => {
    await stage.link.setProfile('good');
    await page.locator('[data-auto-audio-only]').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => unitVideoShown(page, speakerUnit), { timeout: 10_000 }).toBe(true);
    expect(await audioOnlyButton().getAttribute('aria-pressed')).toBe('false');
  });

  it("the user's own audio-only choice is the pressed button, with no system message", async () => {
    await audioOnlyButton().click();
    await expect.poll(() => audioOnlyButton().getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('[data-auto-audio-only]').count()).toBe(0);
  });
});
