import { z } from 'zod';
import { linkStates } from '@giaoban/sfu/link/linkState';
import { emptySchema, req } from './common';

/**
 * Link adaptation on the wire (imported by signaling and the client).
 *
 * client → server (requests)
 *   'link:report'    LinkReport, every ~2 s: what the browser's getStats() sees.
 *   'link:audioOnly' { audioOnly }: the user forces (or releases) audio-only.
 * server → client (notification)
 *   'link:state'     LinkNotice, on join and on every change of this endpoint's link;
 *                    with `fall` when the SFU sees its uplink fall under the camera.
 * Presence carries `LinkPresence` for every endpoint (roll call, tiles).
 */
export const linkStateSchema = z.enum(linkStates);
export type LinkStateWire = z.infer<typeof linkStateSchema>;

const kbps = z.number().finite().min(0).max(1_000_000);
const fraction = z.number().finite().min(0).max(1);

export const linkReportSchema = z
  .object({
    availableOutgoingKbps: kbps.optional(),
    rttMs: z.number().finite().min(0).max(60_000).optional(),
    upLoss: fraction.optional(),
    downLoss: fraction.optional(),
    sendKbps: kbps.optional(),
    recvKbps: kbps.optional(),
    /** The browser's own clock when it sampled (epoch ms): its reports carry their timestamps. */
    sentAt: z.number().finite().min(0).optional(),
    /** How late the browser's own sampling timer fired (ms): a starved browser, not a slow link. */
    lateMs: z.number().finite().min(0).max(3_600_000).optional(),
  })
  .strict();
export type LinkReportWire = z.infer<typeof linkReportSchema>;

export const linkAudioOnlySchema = z.object({ audioOnly: z.boolean() }).strict();

export const sendPlanSchema = z.object({
  video: z.boolean(),
  maxVideoLayer: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  audioMaxKbps: z.number(),
  /** Opus at a rate that carries in-band FEC (random loss on its path). */
  audioFec: z.boolean().optional(),
});

export const linkNoticeSchema = z.object({
  endpointId: z.string(),
  down: linkStateSchema,
  up: linkStateSchema,
  audioOnly: z.boolean(),
  forced: z.boolean(),
  /** What the browser must send now (camera on/off, layers, Opus rate). */
  send: sendPlanSchema,
  /** Why: the signals that decided the last transition (for the user's details view). */
  reason: z.string().max(200).optional(),
  /**
   * The SFU saw this uplink fall under the camera (queue and lost microphone
   * packets): hold the camera now, until a notice without video confirms or
   * the hold ends (the state fields are unchanged).
   */
  fall: z.boolean().optional(),
  /**
   * Voices whose speaker's uplink loses packets that the SFU gets resent (audio
   * NACK): their retransmissions arrive one speaker round trip late, so this
   * receiver holds that voice's jitter buffer at least this deep (ms, by the
   * speaker's endpoint id). Absent or empty: no voice needs it.
   */
  voices: z.record(z.string(), z.number().finite().min(0).max(4_000)).optional(),
});
export type LinkNotice = z.infer<typeof linkNoticeSchema>;

/** Link state as presence shows it to everyone in the meeting (the worse direction). */
export const linkPresenceSchema = z.object({
  state: linkStateSchema,
  audioOnly: z.boolean(),
});
export type LinkPresence = z.infer<typeof linkPresenceSchema>;

export const linkRequests = {
  'link:report': req(linkReportSchema, emptySchema),
  'link:audioOnly': req(linkAudioOnlySchema, emptySchema),
};

export const linkNotifications = {
  'link:state': linkNoticeSchema,
};
