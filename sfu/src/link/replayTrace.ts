import fs from 'node:fs';
import zlib from 'node:zlib';
import type { TracedPacket } from './packetTrace';
import { UplinkFallDetector, type UplinkFallOptions } from './uplinkFall';

/**
 * Recorded traces (LINK_TRACE_DIR, PacketTraceFile) kept as fixtures: gzip of
 * `kind,ssrc,seq,ts,at` lines (a = microphone, v = camera), for replaying real
 * links through UplinkFallDetector in tests.
 */
export function readTrace(file: string): TracedPacket[] {
  const text = zlib.gunzipSync(fs.readFileSync(file)).toString('utf8');
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [k, ssrc, seq, ts, at] = line.split(',');
      return { k: k === 'a' ? 'audio' : 'video', ssrc: +ssrc!, seq: +seq!, ts: +ts!, at: +at! };
    });
}

/** A PacketTraceFile (JSON lines) as a fixture, from `fromMs` to `toMs` of its arrival clock. */
export function compactTrace(jsonl: string, fromMs = -Infinity, toMs = Infinity): Buffer {
  const lines = jsonl
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as TracedPacket)
    .filter((p) => p.at >= fromMs && p.at <= toMs)
    .map((p) => `${p.k === 'audio' ? 'a' : 'v'},${p.ssrc},${p.seq},${p.ts},${p.at}`);
  return zlib.gzipSync(`${lines.join('\n')}\n`);
}

/** A camera packet this long after the last one: the camera was stopped and started again. */
const CAMERA_GAP_MS = 2_000;

/**
 * The arrival times at which the detector reported a fall, fed as
 * ServerSignals feeds it: only while the camera runs (from its first packet;
 * afresh when it comes back after a pause), the camera's packets too unless
 * `micOnly`; a fall pending `confirmMs` with no packet since is confirmed
 * (ServerSignals' timer).
 */
export function replayFalls(
  packets: TracedPacket[],
  o: UplinkFallOptions & { micOnly?: boolean } = {},
): { at: number; queueMs: number }[] {
  const d = new UplinkFallDetector(48_000, o);
  const falls: { at: number; queueMs: number }[] = [];
  let pendingSince: number | undefined;
  let cameraAt = -Infinity;
  for (const p of packets) {
    if (p.k === 'video') {
      if (p.at - cameraAt > CAMERA_GAP_MS) d.reset();
      cameraAt = p.at;
      if (o.micOnly) continue;
    } else if (p.at - cameraAt > CAMERA_GAP_MS) continue;
    if (
      d.pending &&
      pendingSince !== undefined &&
      p.at >= pendingSince + d.confirmMs &&
      d.confirm()
    )
      falls.push({ at: pendingSince + d.confirmMs, queueMs: Math.round(d.queueMs) });
    if (!d.pending) pendingSince = undefined;
    const fell = d.packet({
      kind: p.k,
      ssrc: p.ssrc,
      sequenceNumber: p.seq,
      timestamp: p.ts,
      arrivalMs: p.at,
    });
    if (fell) falls.push({ at: p.at, queueMs: Math.round(d.queueMs) });
    if (d.pending) pendingSince ??= p.at;
  }
  return falls;
}
