import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { act } from 'react';
import { mockFetch } from '../../test/fixtures';
import { useRouter } from '../../app/router';
import { useJoinChoice } from '../prejoin/joinChoice';
import { acceptNotification, useNotifications } from '../notifications/notificationsStore';
import { EmergencyBanner } from './EmergencyBanner';

const alert = {
  emergencyId: 'em1',
  meetingId: 'm1',
  occurrenceId: 'o1',
  title: 'Ứng phó lũ',
  message: 'Các xã báo cáo tình hình mưa lũ',
  convenerUnitId: '44',
  convenerName: 'Ban Chỉ huy PCTT tỉnh',
  startedAt: new Date().toISOString(),
  audioFirst: true,
};

describe('EmergencyBanner', () => {
  beforeEach(() => useNotifications.setState({ alerts: [] }));

  it('drops a pushed alert that does not match the contract', () => {
    expect(acceptNotification('emergency:alert', { ...alert, audioFirst: false })).toBe(false);
    expect(acceptNotification('not:an:event', alert)).toBe(false);
    expect(useNotifications.getState().alerts).toEqual([]);
  });

  it('shows an alert, acknowledges it, then joins audio first in one click', async () => {
    const stages: unknown[] = [];
    const calls = mockFetch({
      'POST /api/emergencies/em1/ack': (init) => {
        stages.push(JSON.parse(String(init?.body)).stage);
        return { status: 204 };
      },
    });
    render(<EmergencyBanner />);
    expect(screen.queryByRole('alertdialog')).toBeNull();
    act(() => void acceptNotification('emergency:alert', alert));
    expect(screen.getByRole('alertdialog').textContent).toContain('Ứng phó lũ');
    fireEvent.click(screen.getByRole('button', { name: 'Xác nhận đã nhận' }));
    await waitFor(() => screen.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }));
    expect(calls.map((c) => c.url)).toContain('/api/emergencies/em1/ack');
    // Receipt first (automatic), then the person's acknowledgement.
    expect(stages).toEqual(['delivered', 'acknowledged']);
    fireEvent.click(screen.getByRole('button', { name: 'Vào họp ngay (âm thanh)' }));
    // Audio first, not audio-only: the commander's video may come (emergency meetings keep
    // the commune's own camera off by themselves, link/audioFirst.ts).
    expect(useJoinChoice.getState().choice).toEqual({ meetingId: 'm1', mode: 'video' });
    expect(useRouter.getState().route).toEqual({ name: 'room', meetingId: 'm1' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('keeps the alert up with a translated error when the acknowledgement fails', async () => {
    mockFetch({
      'POST /api/emergencies/em1/ack': () => ({
        status: 403,
        body: { error: { code: 'FORBIDDEN', message: 'x', messageEn: 'x' } },
      }),
    });
    render(<EmergencyBanner />);
    act(() => void acceptNotification('emergency:alert', alert));
    fireEvent.click(screen.getByRole('button', { name: 'Xác nhận đã nhận' }));
    await waitFor(() => screen.getByRole('alert'));
    expect(screen.getByRole('alert').textContent).toBe(
      'Bạn không có quyền thực hiện thao tác này.',
    );
    expect(screen.getByRole('alertdialog')).toBeTruthy();
  });
});
