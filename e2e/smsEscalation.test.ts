import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startTestSmsc, type TestSmsc } from '../infra/test/smsc';
import { useBrowserApp } from './fixtures';

/**
 * The admin gives a commune a phone number and a short alert-SMS delay in the app; the
 * commander convenes; nobody of the commune is logged in, so the SMSC started here
 * (the `smpp` package's server, infra/test/smsc.ts) gets the SMS, and the roll call in
 * the commander's browser shows "Đã gửi SMS", then "SMS đã đến" on the receipt.
 */
const smscPort = await freePort();

describe('alert SMS: the admin sets the number in the app, the roll call shows sent then delivered', () => {
  let smsc: TestSmsc;
  const t = useBrowserApp({
    env: {
      SMPP_URL: `smpp://127.0.0.1:${smscPort}`,
      SMPP_SYSTEM_ID: 'giaoban',
      SMPP_PASSWORD: 'e2e-pw',
      SMPP_RECONNECT_MAX_S: '1',
      // Every other unit waits an hour: only the commune the admin edits is texted.
      SMS_ESCALATE_AFTER_MIN: '60',
      PHONE_SIP_NUMBER: '02323822999',
    },
  });
  beforeAll(async () => {
    smsc = await startTestSmsc({
      systemId: 'giaoban',
      password: 'e2e-pw',
      port: smscPort,
      receiptDelayMs: 2500,
    });
  });
  afterAll(async () => {
    await smsc?.stop();
  });

  it('the admin adds the commune number and a 3-second delay', async () => {
    const admin = await t.loginAs('admin');
    await admin.getByRole('link', { name: 'Tài khoản' }).click();
    await admin.getByLabel('Tìm tài khoản').fill('dan hoa');
    const row = admin.locator('tr[data-username="u18904"]');
    await row.getByRole('button', { name: 'Số điện thoại nhận SMS của Xã Dân Hóa' }).click();
    const form = admin.getByRole('form', { name: 'Số điện thoại nhận SMS báo động: Xã Dân Hóa' });
    await form.getByText('Đơn vị chưa có số điện thoại nào.').waitFor();
    await form.getByLabel('Thêm số điện thoại').fill('12');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Số điện thoại không hợp lệ', { exact: false }).waitFor();
    await form.click().catch(() => undefined);
    await form.getByLabel('Thêm số điện thoại').fill('0912 345 678');
    await form.getByRole('button', { name: 'Thêm' }).click();
    await form.getByLabel('Gửi SMS khi chưa xác nhận báo động sau (phút)').fill('0.05');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Đã lưu số điện thoại và thời gian chờ.').waitFor();
    await form.getByText('0912345678', { exact: true }).waitFor();
    await admin.context().close();
  });

  it('the commander convenes Minh Hóa; the silent commune is texted once; the roll call shows it', async () => {
    const title = 'Lũ quét Minh Hóa: sơ tán ngay';
    const commander = await t.loginAs('chihuy');
    await commander.getByRole('link', { name: 'Triệu tập khẩn' }).click();
    await commander.getByLabel('Tiêu đề').fill(title);
    await commander.locator('summary', { hasText: 'Huyện Minh Hóa' }).click();
    await commander.getByRole('button', { name: 'Chọn tất cả 15 xã của Huyện Minh Hóa' }).click();
    commander.once('dialog', (d) => void d.accept());
    await commander.getByRole('button', { name: /Triệu tập ngay \(15\)/ }).click();
    await commander.getByRole('heading', { name: 'Điểm danh trực tiếp' }).waitFor();
    const cell = commander.locator('tr[data-unit-id="18904"] td[data-escalation]');
    await expect
      .poll(() => cell.getAttribute('data-escalation'), { timeout: 30_000 })
      .toBe('smsSent');
    expect(await cell.textContent()).toMatch(/^Đã gửi SMS \d\d:\d\d/);
    await expect
      .poll(() => cell.getAttribute('data-escalation'), { timeout: 15_000 })
      .toBe('smsDelivered');
    expect(await cell.textContent()).toMatch(/^SMS đã đến \d\d:\d\d/);
    expect(smsc.received.map((s) => s.destination)).toEqual(['0912345678']);
    expect(smsc.received[0]?.text).toContain(title);
    expect(smsc.received[0]?.text).toContain('02323822999');
    // Another commune of the list, without numbers, shows nothing.
    expect(
      await commander
        .locator('tr[data-unit-id="18907"] td[data-escalation]')
        .getAttribute('data-escalation'),
    ).toBe('none');
  });
});
