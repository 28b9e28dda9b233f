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

/** Audio header extensions the browsers are not offered (see clientRtpCapabilities). */
const audioExtensionsLeftOut = new Set([
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time',
]);

/**
 * How lost audio is repaired (`AUDIO_REPAIR`, see docs/weak-links.md "Loss repair"):
 *   fec       Opus raised to a rate at which it really encodes in-band FEC while
 *             the speaker's stream loses packets and no link on its way is congested
 *   nack      audio NACK negotiated on both legs (browser → SFU, SFU → browser)
 *   fec+nack  both
 *   lean      neither (12 kbit/s Opus, no NACK: before issue 13)
 *   auto      what the measurements chose (AUTO_AUDIO_REPAIR)
 */
export const audioRepairModes = ['auto', 'lean', 'fec', 'nack', 'fec+nack'] as const;
export type AudioRepairMode = (typeof audioRepairModes)[number];

/** Chosen by `npm run bench:voice` (docs/weak-links.md, "Loss repair"). */
export const AUTO_AUDIO_REPAIR: Exclude<AudioRepairMode, 'auto'> = 'fec+nack';

export function audioRepair(mode: AudioRepairMode): { fec: boolean; nack: boolean } {
  const m = mode === 'auto' ? AUTO_AUDIO_REPAIR : mode;
  return { fec: m === 'fec' || m === 'fec+nack', nack: m === 'nack' || m === 'fec+nack' };
}

/**
 * The router's capabilities as browsers get them: audio without send-time,
 * transport-wide sequence numbers, capture time or transport-cc feedback, and
 * without NACK unless `audioNack`. Measured on a GPRS uplink (20 kbit/s): with a bandwidth
 * extension on its audio, Chrome's pacer probed the link with padding packets
 * on the microphone's SSRC in the 2 s windows while the uplink lost packets —
 * up to 58 padding packets every 2 s next to 33 of speech, doubling what the voice
 * costs on the wire exactly when the link was already flooded. Without one,
 * audio cannot carry probes (libwebrtc pads only on streams with a bandwidth
 * extension), the header shrinks by 8 bytes a packet (~1 kbit/s at 60 ms
 * packets, each direction), and the receivers' transport-cc feedback
 * for audio leaves the uplink too. Audio is not needed for bandwidth
 * estimation: the link states decide the Opus rate, and video (which keeps
 * every extension) is what probes and is estimated. NACK, when offered, is
 * negotiated on both legs: the browser produces with `opusNack` (the SFU asks
 * it to resend what the uplink lost) and its consumers carry it (it asks the
 * SFU); a NACK costs one retransmission per lost packet and no probing.
 */
export function clientRtpCapabilities(
  caps: ms.RtpCapabilities,
  o: { audioNack?: boolean } = {},
): ms.RtpCapabilities {
  return {
    ...caps,
    codecs: (caps.codecs ?? []).map((c) =>
      c.kind === 'audio'
        ? {
            ...c,
            rtcpFeedback: (c.rtcpFeedback ?? []).filter((fb) =>
              fb.type === 'nack' ? !!o.audioNack && !fb.parameter : fb.type !== 'transport-cc',
            ),
          }
        : c,
    ),
    headerExtensions: (caps.headerExtensions ?? []).filter(
      (h) => h.kind !== 'audio' || !audioExtensionsLeftOut.has(h.uri),
    ),
  };
}

/**
 * The capabilities a receiver's consumers are made with. Chrome lists no NACK
 * for Opus in its own capabilities (mediasoup-client's `opusNack` adds it only
 * to what it sends), so the device's receive capabilities lack it and a
 * consumer made from them never asks the SFU again. With audio NACK on, the SFU
 * adds it: the consumer's parameters then carry `nack`, the receiver's SDP
 * offer says so, and Chrome's NetEq NACKs what it can still play (its jitter
 * buffer must outlast the round trip: RepairBuffer). mediasoup keeps NACK on an
 * audio consumer only with `enableRtx` (Endpoint.consume).
 */
export function consumerRtpCapabilities(
  caps: ms.RtpCapabilities,
  o: { audioNack?: boolean } = {},
): ms.RtpCapabilities {
  if (!o.audioNack) return caps;
  return {
    ...caps,
    codecs: (caps.codecs ?? []).map((c) =>
      c.kind === 'audio' &&
      c.mimeType.toLowerCase() !== 'audio/rtx' &&
      !(c.rtcpFeedback ?? []).some((fb) => fb.type === 'nack' && !fb.parameter)
        ? { ...c, rtcpFeedback: [...(c.rtcpFeedback ?? []), { type: 'nack', parameter: '' }] }
        : c,
    ),
  };
}
