import '../../test/setup';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/react';
import { endpointView } from '../../test/fixtures';
import { useMeeting } from '../meeting/meetingStore';
import { Tile } from './Tile';

const endpoint = endpointView();
const tile = { endpoint, video: null, speaking: false, isSelf: false, hasFloor: false };

describe('Tile pin (last-N)', () => {
  const pinUnit = vi.fn(() => Promise.resolve(true));
  afterEach(() => {
    useMeeting.setState({ pinnedUnits: [] });
    pinUnit.mockClear();
  });

  it('pins a remote unit and shows it pinned', () => {
    useMeeting.setState({ pinUnit });
    const { rerender } = render(<Tile tile={tile} />);
    fireEvent.click(screen.getByRole('button', { name: 'Ghim hình' }));
    expect(pinUnit).toHaveBeenCalledWith('18853', true);
    useMeeting.setState({ pinnedUnits: ['18853'] });
    rerender(<Tile tile={tile} />);
    const unpin = screen.getByRole('button', { name: 'Bỏ ghim' });
    expect(unpin.getAttribute('aria-pressed')).toBe('true');
    fireEvent.click(unpin);
    expect(pinUnit).toHaveBeenLastCalledWith('18853', false);
  });

  it('has no pin on our own tile', () => {
    render(<Tile tile={{ ...tile, isSelf: true }} />);
    expect(screen.queryByRole('button', { name: 'Ghim hình' })).toBeNull();
  });
});
