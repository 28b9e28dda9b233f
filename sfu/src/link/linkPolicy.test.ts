import { describe, expect, it } from 'vitest';
import { fecAudioKbps, linkPlan } from './linkPolicy';

describe('linkPlan', () => {
  it('gives a good link everything', () => {
    expect(linkPlan({ down: 'good', up: 'good', forcedAudioOnly: false })).toEqual({
      receive: { video: 'top', maxVideos: 6, audio: 'all' },
      send: { video: true, maxVideoLayer: 2, audioMaxKbps: 32, audioFec: false },
      audioOnly: false,
    });
  });

  it('lowers layers and videos when constrained', () => {
    const p = linkPlan({ down: 'constrained', up: 'constrained', forcedAudioOnly: false });
    expect(p.receive).toEqual({ video: 'low', maxVideos: 2, audio: 'all' });
    expect(p.send).toMatchObject({ video: true, maxVideoLayer: 0 });
    expect(p.audioOnly).toBe(false);
  });

  it('goes audio-only both ways when either direction is poor', () => {
    for (const [down, up] of [
      ['poor', 'good'],
      ['good', 'poor'],
    ] as const) {
      const p = linkPlan({ down, up, forcedAudioOnly: false });
      expect(p.audioOnly).toBe(true);
      expect(p.receive.video).toBe('none');
      expect(p.send.video).toBe(false);
      expect(p.receive.audio).toBe('all');
    }
    expect(linkPlan({ down: 'good', up: 'poor', forcedAudioOnly: false }).send.audioMaxKbps).toBe(
      12,
    );
  });

  it('sends no more audio than the weakest listener of the meeting can take', () => {
    const p = linkPlan({ down: 'good', up: 'good', forcedAudioOnly: false, weakestDown: 'poor' });
    expect(p.send.audioMaxKbps).toBe(12);
    expect(p.send.video).toBe(true);
  });

  it('keeps only the floor holder audio on a critical downlink', () => {
    const p = linkPlan({ down: 'critical', up: 'poor', forcedAudioOnly: false });
    expect(p.receive).toEqual({ video: 'none', maxVideos: 0, audio: 'floor' });
    expect(p.send.audioMaxKbps).toBe(12);
  });

  it('speaks at 10 kbit/s on a critical uplink, while a critical listener still hears 12', () => {
    expect(
      linkPlan({ down: 'poor', up: 'critical', forcedAudioOnly: false }).send.audioMaxKbps,
    ).toBe(10);
    // A critical downlink receives the floor holder alone: 12 kbit/s fits it.
    const speaker = linkPlan({
      down: 'good',
      up: 'good',
      forcedAudioOnly: false,
      weakestDown: 'critical',
    });
    expect(speaker.send.audioMaxKbps).toBe(12);
  });

  it('honours the user forcing audio-only on a good link', () => {
    const p = linkPlan({ down: 'good', up: 'good', forcedAudioOnly: true });
    expect(p.audioOnly).toBe(true);
    expect(p.send.video).toBe(false);
    expect(p.receive.video).toBe('none');
    expect(p.send.audioMaxKbps).toBe(32);
  });

  it('raises Opus to a rate that carries FEC on a lossy, uncongested path', () => {
    const base = { down: 'poor', up: 'poor', forcedAudioOnly: false, weakestDown: 'poor' } as const;
    expect(linkPlan(base).send).toMatchObject({ audioMaxKbps: 12, audioFec: false });
    expect(linkPlan({ ...base, lossy: true }).send).toMatchObject({
      audioMaxKbps: fecAudioKbps,
      audioFec: true,
    });
    // Never lowers a good link's rate.
    expect(
      linkPlan({ down: 'good', up: 'good', forcedAudioOnly: false, lossy: true }).send.audioMaxKbps,
    ).toBe(32);
  });

  it('stays lean when a critical or congested link is on the way', () => {
    const base = { down: 'poor', up: 'poor', forcedAudioOnly: false, lossy: true } as const;
    expect(linkPlan({ ...base, up: 'critical' }).send).toMatchObject({
      audioMaxKbps: 10,
      audioFec: false,
    });
    expect(linkPlan({ ...base, weakestDown: 'critical' }).send.audioMaxKbps).toBe(12);
    expect(
      linkPlan({ ...base, weakestDown: 'poor', listenersCongested: true }).send.audioMaxKbps,
    ).toBe(12);
  });
});
