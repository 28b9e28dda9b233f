import '../../test/setup';
import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ChatPanel } from './ChatPanel';
import { ControlBar, type ControlState } from './ControlBar';

const state: ControlState = {
  micOn: true,
  cameraOn: false,
  sharing: false,
  handRaised: false,
  audioOnly: true,
  chatOpen: false,
  hostPanelOpen: false,
  isHost: false,
  hostMuted: false,
  canShare: true,
};
const handlers = () => ({
  toggleMic: vi.fn(),
  toggleCamera: vi.fn(),
  toggleShare: vi.fn(),
  toggleHand: vi.fn(),
  toggleAudioOnly: vi.fn(),
  toggleChat: vi.fn(),
  toggleHostPanel: vi.fn(),
  leave: vi.fn(),
});

describe('ControlBar', () => {
  it('labels every control and reports its state', () => {
    render(<ControlBar state={state} on={handlers()} />);
    const bar = screen.getByRole('toolbar', { name: 'Điều khiển phòng họp' });
    const pressed = (name: string) =>
      screen.getByRole('button', { name }).getAttribute('aria-pressed');
    expect(pressed('Micro')).toBe('true');
    expect(pressed('Chỉ âm thanh')).toBe('true');
    // Audio-only: no camera, no screen share; no host panel for a member.
    expect(screen.getByRole('button', { name: 'Camera' }).hasAttribute('disabled')).toBe(true);
    expect(screen.getByRole('button', { name: 'Chia sẻ màn hình' }).hasAttribute('disabled')).toBe(
      true,
    );
    expect(screen.queryByRole('button', { name: 'Điều hành cuộc họp' })).toBeNull();
    expect(bar.querySelectorAll('button')).toHaveLength(7);
  });

  it('keeps the microphone off after a host muted it, and leaves', () => {
    const on = handlers();
    render(
      <ControlBar state={{ ...state, micOn: false, hostMuted: true, isHost: true }} on={on} />,
    );
    expect(screen.getByRole('button', { name: 'Micro' }).hasAttribute('disabled')).toBe(true);
    fireEvent.click(screen.getByRole('button', { name: 'Giơ tay' }));
    fireEvent.click(screen.getByRole('button', { name: 'Điều hành cuộc họp' }));
    fireEvent.click(screen.getByRole('button', { name: 'Rời phòng' }));
    expect(on.toggleHand).toHaveBeenCalledOnce();
    expect(on.toggleHostPanel).toHaveBeenCalledOnce();
    expect(on.leave).toHaveBeenCalledOnce();
  });
});

describe('ChatPanel', () => {
  it('sends a trimmed message and clears the field', async () => {
    const onSend = vi.fn(async () => true);
    render(
      <ChatPanel
        messages={[
          {
            id: '1',
            endpointId: 'e',
            unitId: '452',
            unitName: 'Huyện Minh Hóa',
            displayName: 'x',
            text: 'Chào các xã',
            at: Date.now(),
          },
        ]}
        onSend={onSend}
        onClose={() => undefined}
      />,
    );
    expect(screen.getByText('Chào các xã')).toBeTruthy();
    const input = screen.getByLabelText('Nhập tin nhắn…');
    fireEvent.change(input, { target: { value: '  Xã Dân Hóa đã có mặt  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Gửi' }));
    await waitFor(() => expect(onSend).toHaveBeenCalledWith('Xã Dân Hóa đã có mặt'));
    await waitFor(() => expect((input as HTMLInputElement).value).toBe(''));
  });
});
