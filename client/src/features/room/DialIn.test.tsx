import '../../test/setup';
import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { DialCall, MeetingPhone } from '@giaoban/scheduler/api/phone';
import { mockFetch } from '../../test/fixtures';
import { DialIn } from './DialIn';

const pins = [
  { unitId: '18853', unitName: 'Phường Hải Thành', pin: '123456', callable: false },
  { unitId: '18856', unitName: 'Xã Bảo Ninh', pin: '654321', callable: true },
];

describe('DialIn (host panel): "Gọi điện" per unit with numbers, and the call’s progress', () => {
  it('calls a unit with numbers and shows the state the server reports', async () => {
    let state: DialCall['state'] = 'queued';
    const call = (): DialCall => ({
      callId: 'c1',
      unitId: '18856',
      state,
      attempt: 1,
      at: '2026-12-07T08:00:00.000Z',
      reason: 'host',
    });
    let placed = false;
    const phone = (): MeetingPhone => ({
      number: '02323800017',
      pins,
      dialOut: true,
      calls: placed ? [call()] : [],
    });
    const calls = mockFetch({
      'GET /api/meetings/m1/phone': () => ({ body: phone() }),
      'POST /api/meetings/m1/phone/calls': () => {
        placed = true;
        return { status: 202, body: call() };
      },
    });
    render(<DialIn meetingId="m1" />);
    const button = await screen.findByRole('button', { name: 'Gọi điện Xã Bảo Ninh' });
    // A unit without numbers has no button.
    expect(screen.queryByRole('button', { name: 'Gọi điện Phường Hải Thành' })).toBeNull();
    fireEvent.click(button);
    await waitFor(() => expect(screen.getByText('chờ gọi')).toBeTruthy());
    expect(calls.find((c) => c.init?.method === 'POST')?.init?.body).toBe(
      JSON.stringify({ unitId: '18856' }),
    );
    // The call goes on: the panel reads its progress again until it is over.
    state = 'ringing';
    await waitFor(() => expect(screen.getByText('đổ chuông')).toBeTruthy(), { timeout: 4_000 });
    state = 'joined';
    await waitFor(() => expect(screen.getByText('đã vào họp')).toBeTruthy(), { timeout: 4_000 });
  });

  it('shows no call button without a phone bridge for dial-out (a unit’s own view)', async () => {
    mockFetch({
      'GET /api/meetings/m2/phone': () => ({
        body: { number: '02323800017', pins: pins.slice(0, 1) } satisfies MeetingPhone,
      }),
    });
    render(<DialIn meetingId="m2" />);
    await screen.findByTestId('dial-in');
    expect(screen.queryByRole('button')).toBeNull();
  });
});
