import type { ProducerCodecOptions } from 'mediasoup-client/types';
import type { SendPlan } from '@giaoban/sfu/link/linkPolicy';

/**
 * How this browser sends, by link state. Decided before the link floods: the
 * microphone starts at the poor-link settings (Opus 12 kbit/s, 60 ms packets,
 * DTX, in-band FEC, no NACK) and is raised once the link is known; the
 * camera is produced only once the server's link state allows video.
 */

/**
 * Opus as negotiated once per producer. 60 ms packets cut the per-packet
 * overhead (IP/UDP/SRTP ≈ 50 bytes) to a third: 12 kbit/s costs ~20 kbit/s on
 * the wire instead of ~32. The cap in the SDP is the good-link rate; the live
 * rate is set per state with RTCRtpSender.setParameters (audioEncoding()).
 * No opusNack: retransmitted audio arrives too late to play and deepens the
 * overload of a saturated uplink; in-band FEC repairs single losses instead.
 */
export const micCodecOptions: ProducerCodecOptions = {
  opusStereo: false,
  opusDtx: true,
  opusFec: true,
  opusPtime: 60,
  opusMaxAverageBitrate: 32_000,
  opusNack: false,
};

/** The bitrate the microphone starts with, before the link is known. */
export const initialAudioKbps = 12;

/** Three VP8 simulcast layers; maxBitrate in bit/s. */
export const cameraLayers = [
  { rid: 'r0', scaleResolutionDownBy: 4, maxBitrate: 120_000 },
  { rid: 'r1', scaleResolutionDownBy: 2, maxBitrate: 350_000 },
  { rid: 'r2', scaleResolutionDownBy: 1, maxBitrate: 900_000 },
] as const;

export const cameraCodecOptions: ProducerCodecOptions = {
  // Chrome otherwise starts near 1 Mbit/s and fills a weak uplink's queue.
  videoGoogleStartBitrate: 150,
};

export function cameraEncodings(): RTCRtpEncodingParameters[] {
  return cameraLayers.map((l) => ({ ...l, scalabilityMode: 'L1T3' }));
}

/** Room kept for audio and RTCP when video is capped against the estimate. */
export const audioReserveKbps = 40;

/**
 * Layer activity and bitrates for the camera sender: layers above the plan's
 * highest are off, and layers are switched off from the top until what is
 * left fits the uplink estimate minus the audio reserve, so video never
 * starves the voice. The lowest layer stays (paused, not removed, is the
 * server's call when the link is poor).
 */
export function videoEncodings(
  plan: SendPlan,
  availableOutgoingKbps?: number,
): RTCRtpEncodingParameters[] {
  const budget =
    availableOutgoingKbps === undefined
      ? Infinity
      : Math.max(0, availableOutgoingKbps - audioReserveKbps);
  let used = 0;
  return cameraLayers.map((l, i) => {
    const kbps = l.maxBitrate / 1000;
    const fits = i === 0 || used + kbps <= budget;
    const active = i <= plan.maxVideoLayer && fits;
    if (active) used += kbps;
    const maxBitrate =
      i === 0 ? Math.min(l.maxBitrate, Math.max(50_000, budget * 1000)) : l.maxBitrate;
    return { rid: l.rid, active, maxBitrate, scaleResolutionDownBy: l.scaleResolutionDownBy };
  });
}

/** The microphone sender's single encoding for a plan. */
export function audioEncoding(plan: Pick<SendPlan, 'audioMaxKbps'>): RTCRtpEncodingParameters {
  return { maxBitrate: plan.audioMaxKbps * 1000, priority: 'high', networkPriority: 'high' };
}
