import '../../test/setup';
import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import { ReconnectingOverlay } from './ReconnectingOverlay';
import { vi as viText } from '../i18n/vi';

describe('ReconnectingOverlay', () => {
  it('says what happened on the server when the server asked for the rejoin', () => {
    render(<ReconnectingOverlay reason="sfuNodeLost" onLeave={vi.fn()} />);
    expect(screen.getByText(viText.room.reconnectReason.sfuNodeLost)).toBeTruthy();
    expect(screen.queryByText(viText.room.reconnectingHint)).toBeNull();
  });

  it('has a text for every reason the server may give', async () => {
    const { reconnectReasonSchema } = await import('@giaoban/signaling/protocol/media');
    for (const reason of reconnectReasonSchema.options) {
      const { unmount } = render(<ReconnectingOverlay reason={reason} onLeave={vi.fn()} />);
      expect(screen.getByText(viText.room.reconnectReason[reason])).toBeTruthy();
      unmount();
    }
  });

  it('shows the general hint for a connection that dropped on our side', () => {
    render(<ReconnectingOverlay reason={null} onLeave={vi.fn()} />);
    expect(screen.getByText(viText.room.reconnectingHint)).toBeTruthy();
  });
});
