import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { Meeting } from '@giaoban/scheduler/api/meetings';
import { account, mockFetch, quangBinhUnitsResponse } from '../../test/fixtures';
import { useAuth } from '../auth/authStore';
import { indexUnits, useUnits } from '../units/unitsStore';
import MeetingEditor from './MeetingEditor';
import { vnParts } from './vnTime';

// A "meet now" meeting that started 20 minutes ago (at hh:mm:37) and is running now.
const started = new Date(
  Math.floor((Date.now() - 20 * 60_000) / 60_000) * 60_000 + 37_000,
).toISOString();
const running: Meeting = {
  id: 'm1',
  title: 'Giao ban đang họp',
  description: '',
  kind: 'regular',
  hostUnitId: '452',
  createdBy: 'h',
  start: started,
  durationMinutes: 60,
  timeZone: 'Asia/Ho_Chi_Minh',
  recurrence: null,
  selectors: [{ type: 'unit', unitId: '18904' }],
  invitedUnitIds: ['18904'],
  audioFirst: false,
  videoUnitIds: [],
  status: 'active',
  version: 3,
  createdAt: started,
  updatedAt: started,
};

describe('MeetingEditor: editing a running meeting', () => {
  beforeEach(() => {
    useUnits.setState({ index: indexUnits(quangBinhUnitsResponse()) });
    useAuth.setState({
      status: 'authenticated',
      token: 't',
      account: account({ username: 'host452', unitId: '452', role: 'host' }),
    });
  });

  it('renames it without a "start in the past" refusal, but refuses moving it into the past', async () => {
    const calls = mockFetch({
      'GET /api/meetings/m1': () => ({ body: { meeting: running } }),
      'PATCH /api/meetings/m1': () => ({
        body: { meeting: { ...running, version: 4 }, conflicts: [] },
      }),
    });
    render(<MeetingEditor meetingId="m1" />);
    const title = await screen.findByLabelText<HTMLInputElement>('Tên cuộc họp');
    expect(screen.getByLabelText<HTMLInputElement>('Giờ bắt đầu').value).toBe(
      vnParts(started).time,
    );
    fireEvent.change(title, { target: { value: 'Giao ban đang họp (sửa tên)' } });
    const form = title.closest('form')!;

    // Moved an hour earlier: refused here, nothing sent.
    const earlier = vnParts(new Date(Date.parse(started) - 3600_000).toISOString());
    fireEvent.change(screen.getByLabelText('Ngày'), {
      target: { value: earlier.date.split('-').reverse().join('/') },
    });
    fireEvent.change(screen.getByLabelText('Giờ bắt đầu'), { target: { value: earlier.time } });
    fireEvent.submit(form);
    expect(
      (await screen.findByText('Thời gian bắt đầu đã qua, hãy chọn thời gian sắp tới.'))
        .textContent,
    ).toBeTruthy();
    expect(calls.some((c) => c.init?.method === 'PATCH')).toBe(false);

    // Back at its own start: the rename is saved.
    const own = vnParts(started);
    fireEvent.change(screen.getByLabelText('Ngày'), {
      target: { value: own.date.split('-').reverse().join('/') },
    });
    fireEvent.change(screen.getByLabelText('Giờ bắt đầu'), { target: { value: own.time } });
    fireEvent.submit(form);
    await waitFor(() => expect(calls.some((c) => c.init?.method === 'PATCH')).toBe(true));
    const patch = calls.find((c) => c.init?.method === 'PATCH');
    expect(JSON.parse(String(patch?.init?.body))).toMatchObject({
      version: 3,
      title: 'Giao ban đang họp (sửa tên)',
      start: `${own.date}T${own.time}:00+07:00`,
    });
  });
});
