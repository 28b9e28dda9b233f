import { z } from 'zod';
import type { LinkNotice } from '@giaoban/signaling/protocol/link';
import type { JoinLink } from '@giaoban/signaling/protocol/meeting';

/**
 * What this device last measured of its link, remembered per device
 * (localStorage): the pre-join link test, and how its last meetings went (the
 * link machine reached `good` both ways, or fell to audio-only by itself). A
 * device whose latest measurement is good starts its next meeting with video;
 * any other starts audio first. The emergency banner, which skips the pre-join
 * check, relies on it.
 */
export type MeasuredLink = JoinLink['measured'];

const memorySchema = z.object({
  verdict: z.enum(['good', 'weak']),
  source: z.enum(['test', 'meeting']),
  at: z.number(),
});
export type LinkMemory = z.infer<typeof memorySchema>;

const key = 'giaoban.linkMemory';
/** Older measurements say nothing about today's link. */
export const LINK_MEMORY_MAX_AGE_MS = 14 * 86_400_000;

export function loadLinkMemory(now = Date.now()): LinkMemory | null {
  try {
    const raw = localStorage.getItem(key);
    if (!raw) return null;
    const parsed = memorySchema.safeParse(JSON.parse(raw));
    if (!parsed.success || now - parsed.data.at > LINK_MEMORY_MAX_AGE_MS) return null;
    return parsed.data;
  } catch {
    return null;
  }
}

export function rememberLink(verdict: LinkMemory['verdict'], source: LinkMemory['source']): void {
  try {
    localStorage.setItem(key, JSON.stringify({ verdict, source, at: Date.now() }));
  } catch {
    // Private mode: nothing remembered, the next meeting starts audio first.
  }
}

/** The device's link as the join reports it (a test just run wins over the memory). */
export function measuredLink(test?: 'good' | 'weak' | 'failed' | null): MeasuredLink {
  if (test === 'good' || test === 'weak') return test;
  if (test === 'failed') return 'weak';
  return loadLinkMemory()?.verdict ?? 'unknown';
}

/**
 * What a link notice in a meeting teaches about this device's link: good when
 * the machine stepped to `good` both ways, weak when it fell to audio-only by
 * itself (not the user's choice), nothing otherwise. Only notices of a
 * transition count: the state a join starts in is a guess, not a measurement.
 */
export function verdictOfNotice(n: LinkNotice): LinkMemory['verdict'] | null {
  if (!n.reason) return null;
  if (n.audioOnly && !n.forced) return 'weak';
  if (n.down === 'good' && n.up === 'good') return 'good';
  return null;
}
