import '../../test/setup';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import type { EndpointView } from '@giaoban/signaling/protocol/meeting';
import { endpointView, meetingView } from '../../test/fixtures';
import { HostPanel, type HostActions } from './HostPanel';

const ep = (
  id: string,
  unitId: string,
  unitName: string,
  over: Partial<EndpointView> = {},
): EndpointView =>
  endpointView({
    id,
    unitId,
    unitName,
    producers: [{ id: `${id}-v`, endpointId: id, kind: 'video', source: 'camera', paused: false }],
    ...over,
  });

const meeting = meetingView();

function actions(): HostActions & Record<string, ReturnType<typeof vi.fn>> {
  const ok = () => vi.fn(async () => ({}));
  return {
    mute: ok(),
    muteAll: ok(),
    giveFloor: ok(),
    takeFloor: ok(),
    lowerAllHands: ok(),
    remove: ok(),
    lock: ok(),
    record: ok(),
    end: ok(),
    downloadAttendance: ok(),
  };
}

describe('HostPanel', () => {
  const endpoints = [
    ep('host', '452', 'Huyện Minh Hóa', { isHost: true }),
    ep('e1', '18904', 'Xã Dân Hóa', { handRaised: true }),
    ep('e2', '18907', 'Xã Trọng Hóa', { producers: [], linkState: 'poor' }),
  ];
  const invited = ['18904', '18907', '18910'];

  it('lists every invited unit with its state, hands first', () => {
    render(
      <HostPanel
        meeting={meeting}
        endpoints={endpoints}
        invitedUnitIds={invited}
        seenUnitIds={new Set(['18904', '18907'])}
        selfEndpointId="host"
        actions={actions()}
      />,
    );
    const items = within(screen.getByRole('list', { name: 'Điểm danh các điểm cầu' })).getAllByRole(
      'listitem',
    );
    expect(items.map((i) => i.getAttribute('data-status'))).toEqual([
      'joined',
      'audioOnly',
      'notJoined',
    ]);
    expect(items[0]?.textContent).toContain('Xã Dân Hóa');
    expect(items[1]?.querySelector('[data-link-level]')?.getAttribute('data-link-level')).toBe(
      'audioOnly',
    );
    fireEvent.click(screen.getByRole('button', { name: 'Chưa vào 1' }));
    expect(screen.getAllByRole('listitem')).toHaveLength(1);
  });

  it('sends moderation actions for the right endpoint', async () => {
    const a = actions();
    render(
      <HostPanel
        meeting={meeting}
        endpoints={endpoints}
        invitedUnitIds={invited}
        seenUnitIds={new Set()}
        selfEndpointId="host"
        actions={a}
      />,
    );
    // Controls are disabled while an action runs: wait until the panel is idle again.
    const idle = () =>
      waitFor(() =>
        expect(
          screen.getByRole('button', { name: 'Tắt mic tất cả' }).hasAttribute('disabled'),
        ).toBe(false),
      );
    fireEvent.click(screen.getByRole('button', { name: 'Tắt mic Xã Trọng Hóa' }));
    await waitFor(() => expect(a.mute).toHaveBeenCalledWith('e2'));
    await idle();
    fireEvent.click(screen.getByRole('button', { name: 'Cho phát biểu Xã Dân Hóa' }));
    await waitFor(() => expect(a.giveFloor).toHaveBeenCalledWith('e1'));
    await idle();
    fireEvent.click(screen.getByRole('button', { name: 'Hạ tất cả tay (1)' }));
    await waitFor(() => expect(a.lowerAllHands).toHaveBeenCalled());
    await idle();
    fireEvent.click(screen.getByRole('button', { name: 'Khóa phòng' }));
    await waitFor(() => expect(a.lock).toHaveBeenCalledWith(true));
  });

  it('starts the recording, and stops it once the meeting shows it is recorded', async () => {
    const a = actions();
    const props = {
      endpoints,
      invitedUnitIds: invited,
      seenUnitIds: new Set<string>(),
      selfEndpointId: 'host',
      actions: a,
    };
    const { rerender } = render(<HostPanel meeting={meeting} {...props} />);
    fireEvent.click(screen.getByRole('button', { name: 'Ghi âm' }));
    await waitFor(() => expect(a.record).toHaveBeenCalledWith(true));
    const recorded = { ...meeting, recording: { id: 'r1', startedAt: Date.now(), auto: false } };
    rerender(<HostPanel meeting={recorded} {...props} />);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Dừng ghi âm' }).hasAttribute('disabled')).toBe(
        false,
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Dừng ghi âm' }));
    await waitFor(() => expect(a.record).toHaveBeenCalledWith(false));
  });

  it('asks before ending and shows a refused action as a translated error', async () => {
    const a = actions();
    a.end = vi.fn(async () => {
      throw Object.assign(new Error('x'), { code: 'FORBIDDEN' });
    });
    window.confirm = vi.fn(() => true);
    render(
      <HostPanel
        meeting={meeting}
        endpoints={endpoints}
        invitedUnitIds={invited}
        seenUnitIds={new Set()}
        selfEndpointId="host"
        actions={a}
      />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Kết thúc cuộc họp' }));
    expect(window.confirm).toHaveBeenCalled();
    await waitFor(() => screen.getByRole('alert'));
    expect(screen.getByRole('alert').textContent).toBe(
      'Bạn không có quyền thực hiện thao tác này.',
    );
  });
});
