import { beforeEach, describe, expect, it } from 'vitest';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import {
  LINK_MEMORY_MAX_AGE_MS,
  loadLinkMemory,
  measuredLink,
  rememberLink,
  verdictOfNotice,
} from './linkMemory';

const notice = (o: Partial<LinkNotice>): LinkNotice => ({
  endpointId: 'e1',
  down: 'good',
  up: 'good',
  audioOnly: false,
  forced: false,
  send: { video: true, maxVideoLayer: 2, audioMaxKbps: 32 },
  ...o,
});

describe("this device's link, remembered", () => {
  beforeEach(() => localStorage.clear());

  it('is unknown until measured, then what was measured last', () => {
    expect(measuredLink()).toBe('unknown');
    rememberLink('good', 'test');
    expect(measuredLink()).toBe('good');
    rememberLink('weak', 'meeting');
    expect(measuredLink()).toBe('weak');
  });

  it('a test just run wins over the memory; a failed test counts as weak', () => {
    rememberLink('good', 'meeting');
    expect(measuredLink('weak')).toBe('weak');
    expect(measuredLink('failed')).toBe('weak');
    expect(measuredLink(null)).toBe('good');
  });

  it('forgets old measurements and ignores a corrupt record', () => {
    rememberLink('good', 'test');
    expect(loadLinkMemory(Date.now() + LINK_MEMORY_MAX_AGE_MS + 1)).toBeNull();
    localStorage.setItem('giaoban.linkMemory', '{"verdict":"superb"}');
    expect(measuredLink()).toBe('unknown');
  });

  it("learns from a meeting's transitions only, never from the guess a join starts with", () => {
    // The start (no transition): audio first is a guess, not a measurement.
    expect(verdictOfNotice(notice({ down: 'poor', up: 'poor', audioOnly: true }))).toBeNull();
    expect(
      verdictOfNotice(
        notice({ down: 'poor', up: 'poor', audioOnly: true, reason: 'up good→poor' }),
      ),
    ).toBe('weak');
    expect(verdictOfNotice(notice({ reason: 'down constrained→good' }))).toBe('good');
    // The user's own audio-only says nothing about the link.
    expect(
      verdictOfNotice(notice({ audioOnly: true, forced: true, reason: 'down constrained→good' })),
    ).toBe('good');
    expect(
      verdictOfNotice(notice({ down: 'constrained', reason: 'down good→constrained' })),
    ).toBeNull();
  });
});
