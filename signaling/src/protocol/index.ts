import type { z } from 'zod';
import { notificationSchemas as schedulerNotifications } from '@giaoban/scheduler/api/notifications';
import type { Ack, RequestSpec } from './common';
import { chatNotifications, chatRequests } from './chat';
import { iceRequests } from './ice';
import { linkNotifications, linkRequests } from './link';
import { mediaNotifications, mediaRequests } from './media';
import { meetingNotifications, meetingRequests } from './meeting';
import { moderationNotifications, moderationRequests } from './moderation';
import { videoNotifications, videoRequests } from './video';
import { recordingNotifications, recordingRequests } from './recording';
import { phoneRequests } from './phone';

/**
 * The GiaoBan signaling protocol, declared once and imported by the server
 * (signaling) and the browser (client/src/features/meeting). Features add
 * their requests and notifications here (link state: `./link`).
 *
 * Client → server: `socket.emit(name, payload, ack)`; the ack is `Ack<Response>`.
 * Server → client: `socket.on(name, payload)`, payload per `notifications`.
 */
export const requests = {
  ...meetingRequests,
  ...mediaRequests,
  ...moderationRequests,
  ...chatRequests,
  ...linkRequests,
  ...videoRequests,
  ...iceRequests,
  ...recordingRequests,
  ...phoneRequests,
} satisfies Record<string, RequestSpec>;

export const notifications = {
  ...meetingNotifications,
  ...mediaNotifications,
  ...moderationNotifications,
  ...chatNotifications,
  ...linkNotifications,
  ...videoNotifications,
  ...recordingNotifications,
  ...schedulerNotifications,
} satisfies Record<string, z.ZodType>;

export type RequestName = keyof typeof requests;
export type RequestOf<N extends RequestName> = z.input<(typeof requests)[N]['request']>;
export type ParsedRequestOf<N extends RequestName> = z.output<(typeof requests)[N]['request']>;
export type ResponseOf<N extends RequestName> = z.output<(typeof requests)[N]['response']>;
export type AckOf<N extends RequestName> = Ack<ResponseOf<N>>;

export type NotificationName = keyof typeof notifications;
export type NotificationOf<N extends NotificationName> = z.output<(typeof notifications)[N]>;

export const requestNames = Object.keys(requests) as RequestName[];

export * from './common';
export * from './meeting';
export * from './media';
export * from './moderation';
export * from './chat';
export * from './link';
export * from './video';
export * from './ice';
export * from './recording';
export * from './phone';
