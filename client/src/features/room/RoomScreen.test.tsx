import '../../test/setup';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import i18next from 'i18next';
import { endpointView, meetingView } from '../../test/fixtures';
import { useMeeting } from '../meeting/meetingStore';
import { setLanguage } from '../i18n/i18n';
import RoomScreen from './RoomScreen';

const self = endpointView();
const meeting = meetingView();

describe('RoomScreen language', () => {
  afterEach(() => setLanguage('vi'));

  it('switches between Vietnamese and English inside the room, remembered on this device', () => {
    // The room as joined; no session token, so the screen does not try to join (no media here).
    useMeeting.setState({ connection: 'connected', self, meeting, leave: vi.fn(async () => {}) });
    render(<RoomScreen meetingId="m1" />);
    expect(screen.getByRole('button', { name: 'Rời phòng' })).toBeTruthy();
    fireEvent.change(screen.getByRole('combobox', { name: 'Ngôn ngữ' }), {
      target: { value: 'en' },
    });
    expect(i18next.language).toBe('en');
    expect(localStorage.getItem('giaoban.lang')).toBe('en');
    expect(screen.getByRole('button', { name: 'Leave' })).toBeTruthy();
    expect(screen.getByText('1 meeting point')).toBeTruthy();
    fireEvent.change(screen.getByRole('combobox', { name: 'Language' }), {
      target: { value: 'vi' },
    });
    expect(localStorage.getItem('giaoban.lang')).toBe('vi');
    expect(screen.getByRole('button', { name: 'Rời phòng' })).toBeTruthy();
  });
});

describe('RoomScreen recording indicator', () => {
  it('shows "Đang ghi âm" to everyone while the meeting is recorded, and the host why it stopped', () => {
    useMeeting.setState({ connection: 'connected', self, meeting, leave: vi.fn(async () => {}) });
    const { rerender } = render(<RoomScreen meetingId="m1" />);
    expect(screen.queryByText('Đang ghi âm')).toBeNull();
    useMeeting.setState({
      meeting: { ...meeting, recording: { id: 'r1', startedAt: Date.now(), auto: true } },
    });
    rerender(<RoomScreen meetingId="m1" />);
    expect(screen.getByText('Đang ghi âm').getAttribute('role')).toBe('status');
    useMeeting.setState({ meeting, isHost: true, recordingStopReason: 'diskFull' });
    rerender(<RoomScreen meetingId="m1" />);
    expect(screen.queryByText('Đang ghi âm')).toBeNull();
    expect(screen.getByRole('alert').textContent).toContain('Ổ đĩa lưu bản ghi sắp đầy');
  });
});
