import type { types as ms } from 'mediasoup';

/**
 * Router codecs. Opus carries in-band FEC and DTX because most communes are on
 * lossy links and spend long stretches silent; VP8 is the simulcast codec every
 * browser sends with three layers; H.264 is optional (some hardware-only
 * endpoints), off by default because it makes Chrome negotiate two video codecs.
 */
export function mediaCodecs(options: { h264?: boolean } = {}): ms.RouterRtpCodecCapability[] {
  const codecs: ms.RouterRtpCodecCapability[] = [
    {
      kind: 'audio',
      mimeType: 'audio/opus',
      clockRate: 48000,
      channels: 2,
      parameters: { useinbandfec: 1, usedtx: 1 },
    },
    {
      kind: 'video',
      mimeType: 'video/VP8',
      clockRate: 90000,
      // Start low: a weak uplink must not be flooded before BWE has settled.
      parameters: { 'x-google-start-bitrate': 300 },
    },
  ];
  if (options.h264) {
    codecs.push({
      kind: 'video',
      mimeType: 'video/H264',
      clockRate: 90000,
      parameters: {
        'packetization-mode': 1,
        'profile-level-id': '42e01f',
        'level-asymmetry-allowed': 1,
      },
    });
  }
  return codecs;
}
