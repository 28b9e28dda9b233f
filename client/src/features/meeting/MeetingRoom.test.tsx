import '../../test/setup';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { act, fireEvent, render, screen, within } from '@testing-library/react';
import type { EndpointView, MeetingView } from '@giaoban/signaling/protocol/index';
import { MeetingRoom } from './MeetingRoom';
import { useMeeting } from './meetingStore';

const ep = (
  id: string,
  unitId: string,
  unitName: string,
  over: Partial<EndpointView> = {},
): EndpointView => ({
  id,
  unitId,
  unitName,
  tier: 'commune',
  displayName: unitName,
  isHost: false,
  handRaised: false,
  hostMuted: false,
  linkState: 'good',
  connected: true,
  producers: [{ id: `${id}-mic`, endpointId: id, kind: 'audio', source: 'mic', paused: false }],
  ...over,
});

const meeting: MeetingView = {
  id: 'm1',
  title: 'Giao ban tuần',
  kind: 'regular',
  locked: false,
  floorEndpointId: null,
  audioFirst: false,
  videoUnitIds: [],
};

// The store's network actions are replaced: this test is about what the room shows and which action a click calls.
function setup(isHost: boolean) {
  const calls = {
    join: vi.fn(async () => true),
    leave: vi.fn(async () => undefined),
    mute: vi.fn(async () => true),
  };
  useMeeting.setState({
    connection: 'connected',
    error: null,
    endedReason: null,
    meeting,
    isHost,
    self: ep('me', '450', 'Thành Phố Đồng Hới', { isHost }),
    endpoints: {
      a: ep('a', '18853', 'Phường Hải Thành', { handRaised: true }),
      b: ep('b', '18856', 'Phường Đồng Phú', { producers: [], connected: false }),
    },
    tracks: {},
    chat: [],
    join: calls.join,
    leave: calls.leave,
    muteEndpoint: calls.mute,
  });
  return calls;
}

describe('MeetingRoom', () => {
  beforeEach(() => useMeeting.setState({ connection: 'idle', self: null }));

  it('shows every endpoint by unit name with hand, mute and connection state', () => {
    const calls = setup(false);
    render(<MeetingRoom meetingId="m1" token="t" />);
    expect(calls.join).toHaveBeenCalledWith({
      meetingId: 'm1',
      token: 't',
      mic: true,
      camera: true,
    });
    const tileA = document.querySelector('[data-unit-id="18853"].tile') as HTMLElement;
    expect(within(tileA).getByText('Phường Hải Thành')).toBeTruthy();
    expect(within(tileA).getByLabelText('Đang giơ tay')).toBeTruthy();
    const tileB = document.querySelector('[data-unit-id="18856"].tile') as HTMLElement;
    expect(within(tileB).getByLabelText('Đã tắt micro')).toBeTruthy();
    expect(within(tileB).getByText('(mất kết nối)')).toBeTruthy();
    expect(screen.getByText('Điểm cầu tham dự (3)')).toBeTruthy();
    // A member sees no host actions.
    expect(screen.queryByText('Tắt micro tất cả')).toBeNull();
    expect(within(tileA).queryByRole('button', { name: 'Tắt micro' })).toBeNull();
  });

  it('gives a host per-endpoint actions that call the store with the endpoint id', () => {
    const calls = setup(true);
    render(<MeetingRoom meetingId="m1" token="t" />);
    const tileA = document.querySelector('[data-unit-id="18853"].tile') as HTMLElement;
    fireEvent.click(within(tileA).getByRole('button', { name: 'Tắt micro' }));
    expect(calls.mute).toHaveBeenCalledWith('a');
    expect(screen.getByText('Tắt micro tất cả')).toBeTruthy();
  });

  it('tells a removed endpoint why it is out', () => {
    setup(false);
    render(<MeetingRoom meetingId="m1" token="t" />);
    act(() => useMeeting.setState({ connection: 'ended', endedReason: 'removed' }));
    expect(screen.getByText('Chủ trì đã mời bạn ra khỏi phòng họp.')).toBeTruthy();
  });
});
