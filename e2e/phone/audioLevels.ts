import { execFile } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { writeToneWav } from '../../sfu/src/recording/testing/audioProbe';
import type { TestClient } from '../../signaling/src/testing/clients';

/**
 * Shared by the phone bridge's browser tests (e2e/phone.test.ts, e2e/phoneDialOut.test.ts):
 * audio levels heard by baresip (its WAV dumps) and by Chromium (getStats), ports, tones.
 */
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);
/** The endpoint's microphone producer, as the host sees it. */
export async function waitProducer(host: TestClient, endpointId: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const e = host.events.find(
      (x) =>
        x.name === 'media:newProducer' &&
        (x.payload as { producer: { endpointId: string } }).producer.endpointId === endpointId,
    );
    if (e) return (e.payload as { producer: { id: string } }).producer.id;
    await sleep(100);
  }
  throw new Error('no producer');
}

export async function freeUdpPort(ip: string): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, ip, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** The level (dBFS) of a band around `freqHz` in a window of a WAV file. */
export async function bandDb(
  file: string,
  freqHz: number,
  fromS: number,
  durS: number,
): Promise<number> {
  const { stderr } = await run('ffmpeg', [
    ...['-hide_banner', '-nostats', '-ss', String(fromS), '-t', String(durS), '-i', file],
    ...[
      '-af',
      `bandpass=f=${freqHz}:width_type=q:w=8,bandpass=f=${freqHz}:width_type=q:w=8,volumedetect`,
    ],
    ...['-f', 'null', '-'],
  ]);
  const m = /mean_volume:\s*(-?[\d.]+|-inf) dB/.exec(stderr);
  if (!m) throw new Error(`no level for ${file}`);
  return m[1] === '-inf' ? Number.NEGATIVE_INFINITY : Number.parseFloat(m[1]!);
}

/** Chromium's received audio (every inbound audio stream): energy and duration so far. */
export function receivedAudio(page: Page): Promise<{ energy: number; duration: number }> {
  return page.evaluate(async () => {
    interface T {
      getStats(): Promise<Map<string, Record<string, unknown>>>;
    }
    const t = (globalThis as { giaobanMeeting?: { recvTransport?: T } }).giaobanMeeting
      ?.recvTransport;
    let energy = 0;
    let duration = 0;
    for (const s of (await t?.getStats())?.values() ?? []) {
      if (s.type !== 'inbound-rtp' || s.kind !== 'audio') continue;
      energy += Number(s.totalAudioEnergy ?? 0);
      duration += Number(s.totalSamplesDuration ?? 0);
    }
    return { energy, duration };
  });
}

/** Every received audio track into an <audio> element (the room's RemoteAudio, without the UI). */
export function playRemoteAudio(page: Page): Promise<number> {
  return page.evaluate(() => {
    type Track = { kind: string; track: unknown };
    const g = globalThis as unknown as {
      gb: { useMeeting: { getState(): { tracks: Record<string, Track> } } };
      document: {
        createElement(t: 'audio'): { srcObject: unknown; play(): Promise<void> };
        body: { append(e: unknown): void };
      };
      MediaStream: new (tracks: unknown[]) => unknown;
    };
    const played = ((g as unknown as { played?: Set<unknown> }).played ??= new Set());
    let n = 0;
    for (const t of Object.values(g.gb.useMeeting.getState().tracks)) {
      if (t.kind !== 'audio') continue;
      n++;
      if (played.has(t.track)) continue;
      played.add(t.track);
      const el = g.document.createElement('audio');
      el.srcObject = new g.MediaStream([t.track]);
      g.document.body.append(el);
      void el.play();
    }
    return n;
  });
}

/** The mean power (dBFS) Chromium received over `ms`. */
export async function heardDb(page: Page, ms: number): Promise<number> {
  const a = await receivedAudio(page);
  await sleep(ms);
  const b = await receivedAudio(page);
  const d = b.duration - a.duration;
  return d > 0 ? 10 * Math.log10(Math.max(1e-12, (b.energy - a.energy) / d)) : -Infinity;
}

/** A tone as baresip's aufile takes it: mono 8 kHz WAV. */
export async function toneWav8k(file: string, freqHz: number, seconds: number): Promise<void> {
  const wide = `${file}.48k.wav`;
  await writeToneWav(wide, freqHz, seconds);
  await run('ffmpeg', ['-v', 'error', '-y', '-i', wide, '-ar', '8000', file]);
}

export interface PhoneEndpoint {
  id: string;
  unitId: string;
  phone?: boolean;
  audioOnly?: boolean;
}

/** The first phone endpoint the host saw join (`presence:joined` with the phone mark). */
export async function phoneJoined(host: TestClient, timeoutMs = 10_000): Promise<PhoneEndpoint> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const found = host.events.find(
      (e) =>
        e.name === 'presence:joined' &&
        (e.payload as { endpoint: PhoneEndpoint }).endpoint.phone === true,
    );
    if (found) return (found.payload as { endpoint: PhoneEndpoint }).endpoint;
    if (Date.now() > until) throw new Error('no phone endpoint joined');
    await new Promise((r) => setTimeout(r, 100));
  }
}
