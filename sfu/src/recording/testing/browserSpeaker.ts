import dgram from 'node:dgram';
import OpusScript from 'opusscript';
import { z } from 'zod';

/**
 * A synthetic microphone that sends what Chromium sends for a GiaoBan
 * microphone (client/src/features/meeting/link/senderOptions.ts, negotiated
 * by mediasoup-client): libopus, mono, VOIP, **60 ms frames**, wideband
 * (maxplaybackrate 16 kHz), constrained VBR at the link's rate (libopus's
 * default, which WebRTC keeps), in-band FEC on, complexity 9 (WebRTC's
 * desktop default) and **DTX** (`usedtx=1`). WebRTC's DTX rule is kept too
 * (WebRtcOpus_Encode): libopus returns a 1-byte frame (its table of contents
 * alone) for every frame of a DTX stretch; only the first of a run is sent,
 * the rest are not, while the RTP timestamp goes on and the sequence number
 * does not. libopus itself sends a comfort-noise frame every ~400 ms of DTX.
 * Checked against Chromium's own packets: docs/recording.md ("The bench's
 * speakers").
 */

export const speakerSchema = z.object({
  port: z.number().int().min(1).max(65535),
  ssrc: z.number().int().min(0),
  payloadType: z.number().int().min(0).max(127),
  freqHz: z.number().positive(),
  kbps: z.number().positive().default(24),
  frameMs: z.union([z.literal(20), z.literal(40), z.literal(60)]).default(60),
  dtx: z.boolean().default(true),
  /** Speaks only [from, to) of each `cycleS` (turns between speakers); digital silence otherwise. */
  talk: z.object({ from: z.number(), to: z.number() }).optional(),
  cycleS: z.number().positive().default(6),
});
export type SpeakerOptions = z.input<typeof speakerSchema>;

const RATE = 48_000;
// opus_defines.h
const OPUS_SET_BITRATE = 4002;
const OPUS_SET_MAX_BANDWIDTH = 4004;
const OPUS_SET_COMPLEXITY = 4010;
const OPUS_SET_INBAND_FEC = 4012;
const OPUS_SET_DTX = 4016;
const OPUS_BANDWIDTH_WIDEBAND = 1103;

/** WebRTC's send decision for an encoded frame: ≤ 2 bytes is DTX, of which only a run's first goes out. */
export function dtxFilter(): (frame: Buffer) => boolean {
  let inDtx = false;
  return (frame) => {
    if (frame.length <= 2) {
      if (inDtx) return false;
      inDtx = true;
      return true;
    }
    inDtx = false;
    return true;
  };
}

/** Starts speaking at once; returns a stop function. */
export function startBrowserSpeaker(input: SpeakerOptions): () => void {
  const o = speakerSchema.parse(input);
  const samples = (RATE * o.frameMs) / 1000;
  const enc = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  enc.encoderCTL(OPUS_SET_BITRATE, o.kbps * 1000);
  enc.encoderCTL(OPUS_SET_MAX_BANDWIDTH, OPUS_BANDWIDTH_WIDEBAND);
  enc.encoderCTL(OPUS_SET_COMPLEXITY, 9);
  enc.encoderCTL(OPUS_SET_INBAND_FEC, 1);
  enc.encoderCTL(OPUS_SET_DTX, o.dtx ? 1 : 0);
  const send = o.dtx ? dtxFilter() : () => true;
  const socket = dgram.createSocket('udp4');
  const talking = (t: number) => {
    if (!o.talk) return true;
    const s = t % o.cycleS;
    return s >= o.talk.from && s < o.talk.to;
  };
  // The signal repeats every cycle (whole periods of the tone): the first cycle is
  // encoded as it is sent, then its frames are sent again and again. Encoding live in
  // WebAssembly all along would cost more CPU than the recorder being measured.
  const perCycle = Math.round((o.cycleS * 1000) / o.frameMs);
  const frames: Buffer[] = [];
  const pcm = Buffer.alloc(samples * 2);
  const encoded = (n: number): Buffer => {
    if (n < frames.length) return frames[n]!;
    for (let i = 0; i < samples; i++) {
      const t = (n * samples + i) / RATE;
      pcm.writeInt16LE(
        talking(t) ? Math.round(16_384 * Math.sin(2 * Math.PI * o.freqHz * t)) : 0,
        i * 2,
      );
    }
    // 16-bit little-endian samples as bytes (opusscript joins each pair into a sample).
    frames.push(Buffer.from(enc.encode(pcm, samples)));
    if (frames.length === perCycle) enc.delete();
    return frames[n]!;
  };
  let frame = 0;
  let seq = Math.floor(Math.random() * 0x8000);
  let wasSent = false;
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const start = frame * samples;
    const payload = encoded(frame % perCycle);
    if (send(payload)) {
      const head = Buffer.alloc(12);
      head[0] = 0x80;
      // The marker bit opens a talkspurt (the first packet after frames not sent), as WebRTC sets it.
      head[1] = (o.payloadType & 0x7f) | (wasSent ? 0 : 0x80);
      head.writeUInt16BE(seq, 2);
      head.writeUInt32BE(start >>> 0, 4);
      head.writeUInt32BE(o.ssrc >>> 0, 8);
      socket.send(Buffer.concat([head, payload]), o.port, '127.0.0.1');
      seq = (seq + 1) & 0xffff;
      wasSent = true;
    } else {
      wasSent = false;
    }
    frame++;
    // Paced on the audio clock (capture delivers a frame every frameMs), not on drifting timers.
    timer = setTimeout(tick, Math.max(0, t0 + frame * o.frameMs - performance.now()));
  };
  tick();
  return () => {
    clearTimeout(timer);
    socket.close();
  };
}
