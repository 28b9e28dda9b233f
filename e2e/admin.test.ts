import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useBrowserApp } from './fixtures';

describe('the administrator manages accounts by unit', () => {
  const t = useBrowserApp();

  /** An admin-set password opens only the change-password screen; the user's own one opens the app. */
  const changeAdminPassword = async (user: Page, adminPassword: string, own: string) => {
    await user.getByRole('heading', { name: 'Đổi mật khẩu trước khi tiếp tục' }).waitFor();
    expect(await user.getByRole('navigation').count()).toBe(0);
    await user.getByLabel('Mật khẩu quản trị viên đã báo').fill(adminPassword);
    await user.getByLabel('Mật khẩu mới', { exact: true }).fill(own);
    await user.getByLabel('Nhập lại mật khẩu mới').fill(own);
    await user.getByRole('button', { name: 'Đổi mật khẩu' }).click();
  };

  it('resets a commune password; the commune logs in with the new one only and must change it', async () => {
    const page = await t.loginAs('admin');
    await page.getByRole('link', { name: 'Tài khoản' }).click();
    await page.getByRole('heading', { name: 'Quản lý tài khoản' }).waitFor();
    await page.getByLabel('Tìm tài khoản').fill('hai thanh');
    const row = page.locator('tr[data-username="u18853"]');
    expect(await row.textContent()).toContain('Phường Hải Thành');
    await row.getByRole('button', { name: 'Đặt lại mật khẩu cho u18853' }).click();
    await row.getByRole('button', { name: 'Tạo ngẫu nhiên' }).click();
    const password = await row.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').inputValue();
    expect(password).toHaveLength(12);
    await row.getByRole('button', { name: 'Đặt lại mật khẩu' }).click();
    await page.getByText('Đã đặt mật khẩu mới cho u18853', { exact: false }).waitFor();
    expect(await row.textContent()).toContain('Chờ người dùng đổi');
    await page.context().close();

    const context = await t.browser.newContext({ baseURL: t.url });
    const user = await context.newPage();
    await user.goto('/');
    await user.getByLabel('Tên đăng nhập').fill('u18853');
    await user.getByLabel('Mật khẩu').fill('GiaoBan@2026');
    await user.getByRole('button', { name: 'Đăng nhập' }).click();
    await user.getByText('Tên đăng nhập hoặc mật khẩu không đúng.').waitFor();
    await user.getByLabel('Mật khẩu').fill(password);
    await user.getByRole('button', { name: 'Đăng nhập' }).click();
    await changeAdminPassword(user, password, 'Hai-Thanh-rieng-2026');
    await expect.poll(() => user.locator('h1#unit-name').textContent()).toBe('Phường Hải Thành');
    // The change is confirmed where the user lands, not silently.
    await user.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu.' }).waitFor();
    await context.close();
  });

  it('a demo account changes its public password and is told it worked', async () => {
    const page = await t.loginAs('u18856');
    const notice = page.getByRole('region', { name: 'Mật khẩu' });
    await notice.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    await notice.getByLabel('Mật khẩu hiện tại').fill('GiaoBan@2026');
    await notice.getByLabel('Mật khẩu mới', { exact: true }).fill('Quang-Phu-rieng-2026');
    await notice.getByLabel('Nhập lại mật khẩu mới').fill('Quang-Phu-rieng-2026');
    await notice.getByRole('button', { name: 'Lưu' }).click();
    await page.getByRole('status').filter({ hasText: 'Đã đổi mật khẩu.' }).waitFor();
    expect(await page.getByText('Tài khoản đang dùng mật khẩu mẫu').count()).toBe(0);
    await page.context().close();
  });

  it('creates an account for a commune office, which logs in and chooses its own password', async () => {
    const page = await t.loginAs('admin');
    await page.goto(`${t.url}/admin`);
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByLabel('Tên đăng nhập').fill('vanthu.18904');
    await page.getByLabel('Tên người dùng').fill('Văn thư xã Dân Hóa');
    await page.getByLabel('Đơn vị').selectOption({ label: 'Xã Dân Hóa' });
    await page.getByLabel('Mật khẩu mới (ít nhất 10 ký tự)').fill('Dan-Hoa-2026!');
    await page.getByRole('button', { name: 'Tạo tài khoản' }).click();
    await page.getByText('Đã tạo tài khoản vanthu.18904.').waitFor();
    await page.getByLabel('Tìm tài khoản').fill('vanthu');
    await page.locator('tr[data-username="vanthu.18904"]').waitFor();
    await page.context().close();

    const context = await t.browser.newContext({ baseURL: t.url });
    const user = await context.newPage();
    await user.goto('/');
    await user.getByLabel('Tên đăng nhập').fill('vanthu.18904');
    await user.getByLabel('Mật khẩu').fill('Dan-Hoa-2026!');
    await user.getByRole('button', { name: 'Đăng nhập' }).click();
    await changeAdminPassword(user, 'Dan-Hoa-2026!', 'Dan-Hoa-rieng-2026');
    await expect.poll(() => user.locator('h1#unit-name').textContent()).toBe('Xã Dân Hóa');
    await context.close();
  });

  it('is not offered to a host, and refused if opened by address', async () => {
    const page = await t.loginAs('host452');
    expect(await page.getByRole('link', { name: 'Tài khoản' }).count()).toBe(0);
    await page.goto(`${t.url}/admin`);
    await page.getByText('Bạn không có quyền thực hiện thao tác này.').waitFor();
    await page.context().close();
  });
});
