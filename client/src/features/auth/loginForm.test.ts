import '../../test/setup';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import { account, mockFetch } from '../../test/fixtures';
import { authStore } from './authCore';
import { mountLoginForm } from './loginForm';

describe('the first-visit login form (plain DOM, before React)', () => {
  let unmount: () => void = () => undefined;
  beforeEach(() => {
    localStorage.removeItem('giaoban.lang');
    authStore.setState({ status: 'anonymous', token: null, account: null, error: null });
  });
  afterEach(() => {
    unmount();
    document.body.replaceChildren();
    localStorage.removeItem('giaoban.lang');
    document.documentElement.lang = 'vi';
  });
  const mount = () => {
    const root = document.createElement('div');
    document.body.append(root);
    unmount = mountLoginForm(root);
  };
  const fill = (label: string, value: string) =>
    fireEvent.input(screen.getByLabelText(label), { target: { value } });

  it('is labelled in Vietnamese and logs in through the auth store', async () => {
    const calls = mockFetch({
      'POST /api/auth/login': () => ({
        body: { token: 't1', expiresAt: new Date().toISOString(), account: account() },
      }),
    });
    mount();
    expect(screen.getByRole('heading', { name: 'Đăng nhập' })).toBeTruthy();
    fill('Tên đăng nhập', ' U18853 ');
    fill('Mật khẩu', 'GiaoBan@2026');
    fireEvent.submit(screen.getByRole('button', { name: 'Đăng nhập' }));
    await waitFor(() => expect(authStore.getState().status).toBe('authenticated'));
    expect(JSON.parse(String(calls[0]?.init?.body))).toEqual({
      username: 'u18853',
      password: 'GiaoBan@2026',
    });
    // The app behind the login may still be arriving: the button says so.
    expect(screen.getByRole('button', { name: 'Đang tải…' })).toHaveProperty('disabled', true);
  });

  it('shows a refused login translated, and switches to English (strings loaded then)', async () => {
    mockFetch({
      'POST /api/auth/login': () => ({
        status: 401,
        body: { error: { code: 'INVALID_CREDENTIALS', message: '', messageEn: '' } },
      }),
    });
    mount();
    fill('Tên đăng nhập', 'u18853');
    fill('Mật khẩu', 'sai');
    fireEvent.submit(screen.getByRole('button', { name: 'Đăng nhập' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'Tên đăng nhập hoặc mật khẩu không đúng.',
    );
    fireEvent.change(screen.getByLabelText('Ngôn ngữ'), { target: { value: 'en' } });
    await screen.findByRole('button', { name: 'Log in' });
    expect(screen.getByRole('alert').textContent).toBe('Wrong username or password.');
    expect(localStorage.getItem('giaoban.lang')).toBe('en');
    expect(document.documentElement.lang).toBe('en');
  });
});
