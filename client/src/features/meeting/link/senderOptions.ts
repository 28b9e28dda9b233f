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
 * `opusNack` only lets NACK through when the server offers it for audio
 * (AUDIO_REPAIR nack or fec+nack, sfu/src/codecs.ts): mediasoup-client keeps
 * the feedback the router capabilities carry and drops it otherwise.
 */
export const micCodecOptions: ProducerCodecOptions = {
  opusStereo: false,
  opusDtx: true,
  opusFec: true,
  opusPtime: 60,
  opusMaxAverageBitrate: 32_000,
  // Wideband (16 kHz) voice: libopus encodes in-band FEC only above a rate that
  // grows with the audio bandwidth, and at ≤ 5 % loss it will not narrow the band
  // to make room (decide_fec). Left to itself it codes 24 kbit/s fullband, where
  // FEC needs > 27.6 kbit/s: bench:voice counted 0 FEC packets up on 2G + 5 %.
  // Wideband needs > 20.4 kbit/s (after libopus's loss discount): fecAudioKbps (28) carries FEC.
  opusMaxPlaybackRate: 16_000,
  opusNack: true,
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
 * How the camera starts on an uplink whose capacity is not known yet (video
 * just allowed, Chrome's estimate not measured with video): the lowest layer
 * only, at a rate and frame rate whose keyframe burst a 3G uplink (250 kbit/s)
 * absorbs without a queue. Raised only on Chrome's availableOutgoingBitrate.
 */
export const cameraStart = { maxBitrate: 60_000, maxFramerate: 10 } as const;

/**
 * Layer activity and bitrates for the camera sender. Without an estimate the
 * camera starts small (`cameraStart`). With one, layers above the plan's
 * highest are off, and layers are switched off from the top until what is
 * left fits the uplink estimate minus the audio reserve, so video never
 * starves the voice. The lowest layer stays (paused, not removed, is the
 * server's call when the link is poor).
 *
 * One layer more than fits is offered when the plan allows it (the server
 * found the uplink good: low RTT, no loss): Chrome's estimate of a sender that sends less than it could grows no
 * further than ~1.5 × what it sends (measured: stuck at 112–155 kbit/s on a
 * 10 Mbit/s link behind the 60 kbit/s start), and only a higher allocation
 * makes Chrome probe. Its simulcast allocator encodes that layer only once
 * its own estimate (audio counted first) carries it.
 */
export function videoEncodings(
  plan: SendPlan,
  availableOutgoingKbps?: number,
): RTCRtpEncodingParameters[] {
  if (availableOutgoingKbps === undefined) {
    return cameraLayers.map((l, i) => ({
      rid: l.rid,
      active: i === 0,
      maxBitrate: i === 0 ? cameraStart.maxBitrate : l.maxBitrate,
      maxFramerate: cameraStart.maxFramerate,
      scaleResolutionDownBy: l.scaleResolutionDownBy,
    }));
  }
  const budget = Math.max(0, availableOutgoingKbps - audioReserveKbps);
  let used = 0;
  let probe = true;
  return cameraLayers.map((l, i) => {
    const kbps = l.maxBitrate / 1000;
    let fits = i === 0 || used + kbps <= budget;
    if (!fits && probe) {
      probe = false;
      fits = true;
    }
    const active = i <= plan.maxVideoLayer && fits;
    if (active) used += kbps;
    const maxBitrate =
      i === 0 ? Math.min(l.maxBitrate, Math.max(50_000, budget * 1000)) : l.maxBitrate;
    return {
      rid: l.rid,
      active,
      maxBitrate,
      maxFramerate: undefined,
      scaleResolutionDownBy: l.scaleResolutionDownBy,
    };
  });
}

/** The microphone sender's single encoding for a plan. */
export function audioEncoding(plan: Pick<SendPlan, 'audioMaxKbps'>): RTCRtpEncodingParameters {
  return { maxBitrate: plan.audioMaxKbps * 1000, priority: 'high', networkPriority: 'high' };
}
