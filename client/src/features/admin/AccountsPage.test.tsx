import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { account, mockFetch, quangBinhUnitsResponse } from '../../test/fixtures';
import { useAuth } from '../auth/authStore';
import { indexUnits, useUnits } from '../units/unitsStore';
import AccountsPage, { groupAccounts } from './AccountsPage';

const admin = account({ id: 'a0', username: 'admin', unitId: 'VN', role: 'admin' });
const accounts = [
  admin,
  account({ id: 'a1', username: 'u18853', displayName: 'Phường Hải Thành', unitId: '18853' }),
  account({ id: 'a2', username: 'u18904', displayName: 'Xã Dân Hóa', unitId: '18904' }),
  account({
    id: 'a3',
    username: 'host452',
    displayName: 'Huyện Minh Hóa',
    unitId: '452',
    role: 'host',
  }),
];

describe('AccountsPage (admin)', () => {
  beforeEach(() => {
    useUnits.setState({ index: indexUnits(quangBinhUnitsResponse()) });
    useAuth.setState({ status: 'authenticated', account: admin, token: 't' });
  });

  it('groups accounts under their district in tree order', () => {
    const index = indexUnits(quangBinhUnitsResponse());
    const groups = groupAccounts(index, accounts);
    expect(groups.map((g) => [g.name, g.accounts.map((a) => a.username)])).toEqual([
      ['Chính phủ (Trung ương)', ['admin']],
      ['Thành Phố Đồng Hới', ['u18853']],
      ['Huyện Minh Hóa', ['host452', 'u18904']],
    ]);
  });

  it('lists accounts by unit, finds them without tone marks and resets a password', async () => {
    const calls = mockFetch({
      'GET /api/accounts': () => ({ body: { accounts } }),
      'POST /api/accounts/a1/password': () => ({
        body: { account: { ...accounts[1], demoPassword: false, mustChangePassword: true } },
      }),
    });
    render(<AccountsPage />);
    const row = await screen.findByText('u18853');
    expect(row.closest('tr')?.textContent).toContain('Phường');
    expect(screen.getAllByText('Mật khẩu mẫu').length).toBe(4);
    // Our own account cannot be reset here.
    expect(screen.queryByRole('button', { name: 'Đặt lại mật khẩu cho admin' })).toBeNull();

    fireEvent.change(screen.getByLabelText('Tìm tài khoản'), { target: { value: 'hai thanh' } });
    expect(screen.queryByText('u18904')).toBeNull();
    expect(screen.getByText('u18853')).toBeTruthy();

    fireEvent.click(screen.getByRole('button', { name: 'Đặt lại mật khẩu cho u18853' }));
    const form = screen.getByRole('form', { name: 'Đặt lại mật khẩu cho u18853' });
    fireEvent.click(within(form).getByRole('button', { name: 'Tạo ngẫu nhiên' }));
    const field = within(form).getByLabelText<HTMLInputElement>('Mật khẩu mới (ít nhất 10 ký tự)');
    expect(field.value).toMatch(/^[a-zA-Z2-9]{12}$/);
    fireEvent.submit(form);
    await screen.findByText(/Đã đặt mật khẩu mới cho u18853/);
    const post = calls.find((c) => c.init?.method === 'POST');
    expect(JSON.parse(String(post?.init?.body))).toEqual({ newPassword: field.value });
    // The user must now change the password the admin chose.
    expect(screen.getByText('u18853').closest('tr')?.textContent).toContain('Chờ người dùng đổi');
  });

  it('creates an account in a chosen unit', async () => {
    const created = account({
      id: 'a9',
      username: 'vanthu.18904',
      unitId: '18904',
      demoPassword: false,
    });
    const calls = mockFetch({
      'GET /api/accounts': () => ({ body: { accounts } }),
      'POST /api/accounts': () => ({ status: 201, body: { account: created } }),
    });
    render(<AccountsPage />);
    await screen.findByText('u18853');
    fireEvent.click(screen.getByRole('button', { name: 'Tạo tài khoản' }));
    fireEvent.change(screen.getByLabelText('Tên đăng nhập'), { target: { value: 'vanthu.18904' } });
    fireEvent.change(screen.getByLabelText('Tên người dùng'), { target: { value: 'Văn thư' } });
    fireEvent.change(screen.getByLabelText('Đơn vị'), { target: { value: '18904' } });
    fireEvent.change(screen.getByLabelText('Mật khẩu mới (ít nhất 10 ký tự)'), {
      target: { value: 'Dan-Hoa-2026!' },
    });
    fireEvent.submit(screen.getByRole('button', { name: 'Tạo tài khoản' }).closest('form')!);
    await screen.findByText(/Đã tạo tài khoản vanthu.18904\./);
    const post = calls.find((c) => c.init?.method === 'POST');
    expect(JSON.parse(String(post?.init?.body))).toEqual({
      username: 'vanthu.18904',
      displayName: 'Văn thư',
      unitId: '18904',
      role: 'member',
      password: 'Dan-Hoa-2026!',
    });
    await waitFor(() => expect(calls.filter((c) => c.url === '/api/accounts')).toHaveLength(3));
  });

  it("edits a unit's phone numbers and alert-SMS delay; a bad number's error is translated", async () => {
    const phones = (numbers: string[], escalateAfterMin: number | null) => ({
      unitId: '18904',
      numbers,
      escalateAfterMin,
      defaultEscalateAfterMin: 3,
      smsEnabled: true,
    });
    let refuse = true;
    const calls = mockFetch({
      'GET /api/accounts': () => ({ body: { accounts } }),
      'GET /api/units/18904/phones': () => ({ body: phones(['0912345678'], null) }),
      'PUT /api/units/18904/phones': (init) => {
        if (refuse) {
          refuse = false;
          return {
            status: 400,
            body: { error: { code: 'PHONE_NUMBER_INVALID', message: '', messageEn: '' } },
          };
        }
        const body = JSON.parse(String(init?.body)) as { escalateAfterMin: number | null };
        return { body: phones(['0912345678', '0987654321'], body.escalateAfterMin) };
      },
    });
    render(<AccountsPage />);
    await screen.findByText('u18904');
    fireEvent.click(screen.getByRole('button', { name: 'Số điện thoại nhận SMS của Xã Dân Hóa' }));
    const form = await screen.findByRole('form', {
      name: 'Số điện thoại nhận SMS báo động: Xã Dân Hóa',
    });
    await within(form).findByText('0912345678');
    fireEvent.change(within(form).getByLabelText('Thêm số điện thoại'), {
      target: { value: '0987 654 321' },
    });
    fireEvent.click(within(form).getByRole('button', { name: 'Thêm' }));
    fireEvent.change(within(form).getByLabelText('Gửi SMS khi chưa xác nhận báo động sau (phút)'), {
      target: { value: '5' },
    });
    fireEvent.submit(form);
    expect((await within(form).findByRole('alert')).textContent).toContain(
      'Số điện thoại không hợp lệ',
    );
    fireEvent.submit(form);
    await within(form).findByText('Đã lưu số điện thoại và thời gian chờ.');
    const puts = calls.filter((c) => c.init?.method === 'PUT');
    expect(JSON.parse(String(puts[1]?.init?.body))).toEqual({
      numbers: ['0912345678', '0987 654 321'],
      escalateAfterMin: 5,
    });
    expect(within(form).getByText('0987654321')).toBeTruthy();
    // Removing a number and emptying the delay (back to the default).
    fireEvent.click(within(form).getByRole('button', { name: 'Xóa số 0912345678' }));
    fireEvent.change(within(form).getByLabelText('Gửi SMS khi chưa xác nhận báo động sau (phút)'), {
      target: { value: '' },
    });
    fireEvent.submit(form);
    await waitFor(() => expect(calls.filter((c) => c.init?.method === 'PUT')).toHaveLength(3));
    expect(
      JSON.parse(String(calls.filter((c) => c.init?.method === 'PUT')[2]?.init?.body)),
    ).toEqual({
      numbers: ['0987654321'],
      escalateAfterMin: null,
    });
  });

  it('tells a non-admin it may not', () => {
    useAuth.setState({ account: account() });
    render(<AccountsPage />);
    expect(screen.getByRole('alert').textContent).toBe(
      'Bạn không có quyền thực hiện thao tác này.',
    );
  });
});
