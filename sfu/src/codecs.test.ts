import { describe, expect, it } from 'vitest';
import type { types as ms } from 'mediasoup';
import { audioRepair, clientRtpCapabilities, consumerRtpCapabilities } from './codecs';

const opus = (rtcpFeedback: ms.RtcpFeedback[]): ms.RtpCodecCapability => ({
  kind: 'audio',
  mimeType: 'audio/opus',
  clockRate: 48000,
  channels: 2,
  preferredPayloadType: 111,
  rtcpFeedback,
});
const vp8: ms.RtpCodecCapability = {
  kind: 'video',
  mimeType: 'video/VP8',
  clockRate: 90000,
  preferredPayloadType: 96,
  rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }],
};
const nacks = (c: ms.RtpCapabilities) =>
  c.codecs!.find((k) => k.kind === 'audio')!.rtcpFeedback!.filter((f) => f.type === 'nack');

describe('audio loss repair negotiation', () => {
  it('auto is FEC and NACK (bench:voice, docs/weak-links.md)', () => {
    expect(audioRepair('auto')).toEqual({ fec: true, nack: true });
    expect(audioRepair('lean')).toEqual({ fec: false, nack: false });
  });

  it('offers audio NACK to browsers only in a NACK mode', () => {
    const router = { codecs: [opus([{ type: 'nack' }, { type: 'transport-cc' }]), vp8] };
    expect(nacks(clientRtpCapabilities(router, { audioNack: true }))).toHaveLength(1);
    expect(nacks(clientRtpCapabilities(router))).toHaveLength(0);
  });

  it("adds NACK to a Chrome receiver's Opus (which never lists it) for its consumers", () => {
    const device = { codecs: [opus([{ type: 'transport-cc' }]), vp8] };
    const withNack = consumerRtpCapabilities(device, { audioNack: true });
    expect(nacks(withNack)).toEqual([{ type: 'nack', parameter: '' }]);
    // Once only, video untouched, and nothing added without audio NACK.
    expect(nacks(consumerRtpCapabilities(withNack, { audioNack: true }))).toHaveLength(1);
    expect(withNack.codecs![1]).toBe(vp8);
    expect(consumerRtpCapabilities(device)).toBe(device);
  });
});
