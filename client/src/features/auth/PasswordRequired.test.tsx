import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../app/App';
import { getApiToken } from '../../app/api';
import { account, mockFetch, quangBinhUnitsResponse } from '../../test/fixtures';
import { useAuth } from './authStore';
import { PasswordRequired } from './PasswordNotice';

const mustChange = account({ demoPassword: false, mustChangePassword: true });

function fill(label: string, value: string) {
  fireEvent.change(screen.getByLabelText(label), { target: { value } });
}

describe('a password an administrator set must be changed first', () => {
  beforeEach(() =>
    useAuth.setState({ status: 'restoring', token: null, account: null, error: null }),
  );

  it('shows only the change-password screen after sign-in, and asks the server for nothing else', async () => {
    document.cookie = 'gb_signed_in=1; path=/'; // the server's session hint: probe the session
    const calls = mockFetch({
      'GET /api/auth/session': () => ({
        body: { authenticated: true, account: mustChange, token: 't-admin-set' },
      }),
      'GET /api/units': () => ({ body: quangBinhUnitsResponse() }),
    });
    render(<App />);
    await screen.findByRole('heading', { name: 'Đổi mật khẩu trước khi tiếp tục' });
    expect(screen.getByLabelText('Mật khẩu quản trị viên đã báo')).toBeTruthy();
    // No way around it: no navigation, no cancel, no home screen.
    expect(screen.queryByRole('navigation')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Hủy' })).toBeNull();
    expect(screen.queryByRole('link', { name: 'Trang chủ' })).toBeNull();
    expect(calls.map((c) => c.url).filter((u) => !/\/api\/(auth\/session|units)$/.test(u))).toEqual(
      [],
    );
  }, 20_000); // the first test loads the lazy app shell's modules

  it('refuses keeping the same password, then changes it and clears the mark', async () => {
    useAuth.setState({ status: 'authenticated', token: 't-admin-set', account: mustChange });
    const calls = mockFetch({
      'POST /api/auth/password': () => ({
        body: {
          token: 't-own',
          expiresAt: new Date().toISOString(),
          account: { ...mustChange, mustChangePassword: false },
        },
      }),
    });
    render(<PasswordRequired />);
    fill('Mật khẩu quản trị viên đã báo', 'Admin-chose-2026');
    fill('Mật khẩu mới', 'Admin-chose-2026');
    fill('Nhập lại mật khẩu mới', 'Admin-chose-2026');
    fireEvent.click(screen.getByRole('button', { name: 'Đổi mật khẩu' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Mật khẩu mới phải khác mật khẩu hiện tại.',
    );
    expect(calls).toHaveLength(0);

    fill('Mật khẩu mới', 'Hai-Thanh-rieng-2026');
    fill('Nhập lại mật khẩu mới', 'Hai-Thanh-rieng-2026');
    fireEvent.click(screen.getByRole('button', { name: 'Đổi mật khẩu' }));
    await waitFor(() => expect(useAuth.getState().account?.mustChangePassword).toBe(false));
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({
      oldPassword: 'Admin-chose-2026',
      newPassword: 'Hai-Thanh-rieng-2026',
    });
    expect(useAuth.getState().token).toBe('t-own');
    expect(getApiToken()).toBe('t-own');
  });

  it('explains a wrong administrator password, and lets the user log out instead', async () => {
    useAuth.setState({ status: 'authenticated', token: 't-admin-set', account: mustChange });
    mockFetch({
      'POST /api/auth/password': () => ({
        status: 401,
        body: { error: { code: 'INVALID_CREDENTIALS', message: '', messageEn: '' } },
      }),
      'POST /api/auth/logout': () => ({ status: 204 }),
    });
    render(<PasswordRequired />);
    fill('Mật khẩu quản trị viên đã báo', 'sai-mat-khau');
    fill('Mật khẩu mới', 'Hai-Thanh-rieng-2026');
    fill('Nhập lại mật khẩu mới', 'Hai-Thanh-rieng-2026');
    fireEvent.click(screen.getByRole('button', { name: 'Đổi mật khẩu' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Tên đăng nhập hoặc mật khẩu không đúng.',
    );
    expect(useAuth.getState().account?.mustChangePassword).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Đăng xuất' }));
    await waitFor(() => expect(useAuth.getState().status).toBe('anonymous'));
  });
});
