import '../../test/setup';
import { beforeEach, describe, expect, it } from 'vitest';
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { Occurrence } from '@giaoban/scheduler/api/meetings';
import { mockFetch } from '../../test/fixtures';
import { useRouter } from '../../app/router';
import { useNotifications } from '../notifications/notificationsStore';
import { UpcomingMeetings } from './UpcomingMeetings';

const hour = 3600_000;
const occ = (id: string, startsIn: number, over: Partial<Occurrence> = {}): Occurrence => {
  const start = Date.now() + startsIn;
  return {
    id: `${id}.${start}`,
    meetingId: id,
    title: `Họp ${id}`,
    kind: 'regular',
    hostUnitId: '452',
    startsAt: new Date(start).toISOString(),
    endsAt: new Date(start + hour).toISOString(),
    opensAt: new Date(start - 0.25 * hour).toISOString(),
    closesAt: new Date(start + 1.25 * hour).toISOString(),
    status: 'scheduled',
    recurring: false,
    edited: false,
    invitedUnitIds: ['18904'],
    audioFirst: false,
    ...over,
  };
};

describe('UpcomingMeetings', () => {
  beforeEach(() => useNotifications.setState({ openOccurrences: {}, scheduleVersion: 0 }));

  it('asks for this unit, lists today first, and offers "Tham gia" only on open rooms', async () => {
    const later = occ('later', 3 * 24 * hour);
    const open = occ('now', -10 * 60_000, { status: 'open' });
    const closed = occ('past', -3 * hour, { status: 'closed' });
    const calls = mockFetch({
      'GET /api/occurrences': () => ({ body: { occurrences: [open, later, closed] } }),
    });
    render(<UpcomingMeetings unitId="18904" />);
    await waitFor(() => screen.getByText('Họp now'));
    expect(calls[0]?.url).toContain('unitId=18904');
    const articles = screen.getAllByRole('article');
    expect(articles.map((a) => a.getAttribute('data-occurrence-id'))).toEqual([open.id, later.id]);
    expect(screen.queryByText('Họp past')).toBeNull();
    const join = within(articles[0]!).getByRole('button', { name: 'Tham gia' });
    expect(within(articles[1]!).queryByRole('button', { name: 'Tham gia' })).toBeNull();
    fireEvent.click(join);
    expect(useRouter.getState().route).toEqual({ name: 'prejoin', meetingId: 'now' });
  });

  it('turns a room open the moment the push says so', async () => {
    const soon = occ('soon', 5 * 60_000);
    mockFetch({ 'GET /api/occurrences': () => ({ body: { occurrences: [soon] } }) });
    render(<UpcomingMeetings unitId="18904" />);
    await waitFor(() => screen.getByText('Họp soon'));
    expect(screen.queryByRole('button', { name: 'Tham gia' })).toBeNull();
    act(() =>
      useNotifications.getState().receive('meeting:opened', {
        meetingId: 'soon',
        occurrenceId: soon.id,
        title: soon.title,
        kind: 'regular',
        startsAt: soon.startsAt,
        endsAt: soon.endsAt,
      }),
    );
    await waitFor(() => screen.getByRole('button', { name: 'Tham gia' }));
  });

  it('shows a translated error when the list cannot be loaded', async () => {
    mockFetch({
      'GET /api/occurrences': () => ({
        status: 503,
        body: { error: { code: 'UNAVAILABLE', message: '', messageEn: '' } },
      }),
    });
    render(<UpcomingMeetings unitId="18904" />);
    await waitFor(() => screen.getByRole('alert'));
    expect(screen.getByRole('alert').textContent).toBe('Dịch vụ tạm thời không sẵn sàng.');
  });
});
