import os from 'node:os';
import { z } from 'zod';
import { parseEnv, portVar } from '@giaoban/common/env';
import { recordingsDir } from '@giaoban/common/recordingsDir';
import type { RecordingSettings } from './recording/recorders';
import { recordingEncoding } from './recording/recordingEncoding';
import { audioRepairModes } from './codecs';

const schema = z.object({
  /** mediasoup workers; default one per core. */
  SFU_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  /** Each worker's WebRtcServer takes this port + its index, UDP and TCP. */
  RTC_PORT: portVar(40000),
  /** IP the WebRtcServer listens on. */
  RTC_LISTEN_IP: z.string().default('0.0.0.0'),
  /** IP the PlainTransports of phone endpoints listen on (the phone role reaches it; docs/phone.md). */
  PLAIN_RTP_IP: z.string().default('127.0.0.1'),
  /** Address announced to browsers (public IP or hostname behind NAT). */
  RTC_ANNOUNCED_ADDRESS: z.string().optional(),
  /** Consumers a router takes before a meeting spills onto another worker. */
  SFU_ROUTER_CONSUMER_BUDGET: z.coerce.number().int().min(1).default(500),
  /** Offer H.264 besides VP8 (hardware endpoints); off by default. */
  SFU_H264: z
    .enum(['true', 'false', '1', '0'])
    .default('false')
    .transform((v) => v === 'true' || v === '1'),
  /** Last-N: videos each receiver gets at most (floor, pins, speakers); links may allow fewer. */
  LAST_N_VIDEOS: z.coerce.number().int().min(0).max(50).default(9),
  /** How lost audio is repaired: auto (measured choice), lean, fec, nack, fec+nack (codecs.ts). */
  AUDIO_REPAIR: z.enum(audioRepairModes).default('auto'),
  /** Diagnostics: write the packets the uplink fall watch sees, one file per endpoint (docs/weak-links.md). */
  LINK_TRACE_DIR: z.string().optional(),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  /** Recording: one folder per recording (default DATA_DIR/recordings; common/src/recordingsDir). */
  RECORDINGS_DIR: z.string().optional(),
  DATA_DIR: z.string().optional(),
  /** A recording stops (its files finalised, the host told) when the disk has less free space. */
  RECORDING_MIN_FREE_MB: z.coerce.number().min(0).default(500),
  /** Recorder processes kept started, so a recording's tracks start within a second. */
  RECORDER_WARM: z.coerce.number().int().min(0).max(50).default(3),
  /** The mixed track's Opus rate (kbit/s); the units' own tracks are copies at their senders' rate. */
  RECORDING_MIX_KBPS: z.coerce.number().int().min(6).max(64).default(recordingEncoding.mix.kbps),
  FFMPEG_PATH: z.string().default('ffmpeg'),
  FFPROBE_PATH: z.string().default('ffprobe'),
});

export type SfuConfig = z.infer<typeof schema>;

/** The recorder's settings from the SFU config. */
export function recordingSettings(cfg: SfuConfig): RecordingSettings {
  return {
    root: recordingsDir({ RECORDINGS_DIR: cfg.RECORDINGS_DIR, DATA_DIR: cfg.DATA_DIR }),
    tools: { ffmpeg: cfg.FFMPEG_PATH, ffprobe: cfg.FFPROBE_PATH },
    minFreeBytes: cfg.RECORDING_MIN_FREE_MB * 1024 * 1024,
    warm: cfg.RECORDER_WARM,
    encoding: {
      ...recordingEncoding,
      mix: { ...recordingEncoding.mix, kbps: cfg.RECORDING_MIX_KBPS },
    },
  };
}

export function loadSfuConfig(env: NodeJS.ProcessEnv = process.env): SfuConfig {
  const cfg = parseEnv(schema, env);
  if (!cfg.RTC_ANNOUNCED_ADDRESS && cfg.RTC_LISTEN_IP === '0.0.0.0') {
    // Browsers on this machine reach loopback; a real deployment sets its public address.
    return { ...cfg, RTC_ANNOUNCED_ADDRESS: '127.0.0.1' };
  }
  return cfg;
}
