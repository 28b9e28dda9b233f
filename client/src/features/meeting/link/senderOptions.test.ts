import { describe, expect, it } from 'vitest';
import { linkPlan } from '@giaoban/sfu/link/linkPolicy';
import { audioEncoding, micCodecOptions, videoEncodings } from './senderOptions';

const plan = (up: 'good' | 'constrained' | 'poor') =>
  linkPlan({ down: 'good', up, forcedAudioOnly: false }).send;

describe('sender options', () => {
  it('negotiates Opus for weak links: DTX, FEC, 60 ms; NACK as far as the server offers it', () => {
    expect(micCodecOptions).toMatchObject({
      opusDtx: true,
      opusFec: true,
      opusPtime: 60,
      opusNack: true,
    });
  });

  it('sets the Opus rate by uplink state', () => {
    expect(audioEncoding(plan('poor')).maxBitrate).toBe(12_000);
    expect(audioEncoding(plan('good')).maxBitrate).toBe(32_000);
  });

  it('sends all layers on a good link with room', () => {
    expect(videoEncodings(plan('good'), 3_000).map((e) => e.active)).toEqual([true, true, true]);
  });

  it('sends only the lowest layer when constrained', () => {
    expect(videoEncodings(plan('constrained'), 3_000).map((e) => e.active)).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('starts the camera small while the uplink is unknown, even on a good plan', () => {
    const start = videoEncodings(plan('good'), undefined);
    expect(start.map((e) => e.active)).toEqual([true, false, false]);
    expect(start[0]).toMatchObject({ maxBitrate: 60_000, maxFramerate: 10 });
    // Known: the frame-rate cap is lifted and the layers follow the estimate.
    expect(videoEncodings(plan('good'), 3_000)[0]!.maxFramerate).toBeUndefined();
  });

  it('caps video against the uplink estimate so audio keeps its share', () => {
    // 450 kbit/s estimate − 40 reserved: r0 (120) + r1 (350) does not fit; r1 is
    // offered as the probe layer (Chrome encodes it once its estimate carries
    // it), r2 is not.
    expect(videoEncodings(plan('good'), 450).map((e) => e.active)).toEqual([true, true, false]);
    // 155 kbit/s (app-limited behind the start): r1 offered so Chrome probes.
    expect(videoEncodings(plan('good'), 160).map((e) => e.active)).toEqual([true, true, false]);
    expect(videoEncodings(plan('constrained'), 3_000).map((e) => e.active)).toEqual([
      true,
      false,
      false,
    ]);
    // 100 kbit/s: the lowest layer is squeezed to what is left.
    const tight = videoEncodings(plan('good'), 100);
    expect(tight[0]).toMatchObject({ active: true, maxBitrate: 60_000 });
    // r1 is offered as the probe layer even so (Chrome will not encode it at 100);
    // a constrained plan offers none.
    expect(tight.map((e) => e.active)).toEqual([true, true, false]);
    expect(videoEncodings(plan('constrained'), 100).map((e) => e.active)).toEqual([
      true,
      false,
      false,
    ]);
  });
});
