import { describe, expect, it } from 'vitest';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import {
  indicatorFromNotice,
  indicatorFromPresence,
  linkMessages,
  transitionMessage,
} from './linkIndicator';

const notice = (over: Partial<LinkNotice>): LinkNotice => ({
  endpointId: 'e1',
  down: 'good',
  up: 'good',
  audioOnly: false,
  forced: false,
  send: { video: true, maxVideoLayer: 2, audioMaxKbps: 32 },
  ...over,
});

describe('link indicator', () => {
  it('shows the worse direction', () => {
    expect(indicatorFromNotice(notice({ up: 'poor', audioOnly: true }))).toMatchObject({
      level: 'audioOnly',
      bars: 2,
      messageKey: 'link.audioOnly',
    });
    expect(
      indicatorFromNotice(notice({ down: 'critical', up: 'poor', audioOnly: true })),
    ).toMatchObject({
      level: 'critical',
      bars: 1,
    });
    expect(indicatorFromNotice(notice({ down: 'constrained' })).level).toBe('weak');
  });

  it('says when audio-only was the user choice on a good link', () => {
    expect(indicatorFromNotice(notice({ audioOnly: true, forced: true }))).toMatchObject({
      level: 'audioOnly',
      bars: 4,
      forced: true,
      messageKey: 'link.audioOnlyForced',
    });
  });

  it('is unknown before the first notice, for others too', () => {
    expect(indicatorFromNotice(undefined).level).toBe('unknown');
    expect(indicatorFromPresence({ state: 'poor', audioOnly: true }).level).toBe('audioOnly');
  });

  it('announces falling back and recovering, not unchanged notices', () => {
    const good = notice({});
    const poor = notice({ down: 'poor', audioOnly: true });
    expect(transitionMessage(good, poor)).toBe('link.audioOnly');
    expect(transitionMessage(poor, poor)).toBeUndefined();
    expect(transitionMessage(poor, good)).toBe('link.recovered');
    expect(transitionMessage(undefined, good)).toBeUndefined();
    expect(transitionMessage(undefined, poor)).toBe('link.audioOnly');
  });

  it('has every message in Vietnamese and English', () => {
    expect(Object.keys(linkMessages.en).sort()).toEqual(Object.keys(linkMessages.vi).sort());
  });
});
