import { create } from 'zustand';
import type { z } from 'zod';
import {
  emergencyAlertSchema,
  meetingOpenedSchema,
  meetingReminderSchema,
  notificationSchemas,
  rollCallSchema,
  type NotificationEvent,
  type NotificationPayload,
} from '@giaoban/scheduler/api/notifications';

export type EmergencyAlert = z.infer<typeof emergencyAlertSchema>;
export type MeetingReminder = z.infer<typeof meetingReminderSchema>;
export type MeetingOpened = z.infer<typeof meetingOpenedSchema>;
export type RollCall = z.infer<typeof rollCallSchema>;

export type PushState = 'off' | 'connecting' | 'connected' | 'reconnecting';

interface NotificationsState {
  push: PushState;
  /** Emergency alerts not yet dismissed (acknowledged and joined, or ended). */
  alerts: EmergencyAlert[];
  /** Occurrences the server told us opened/closed since the list was loaded. */
  openOccurrences: Record<string, boolean>;
  reminder: MeetingReminder | null;
  /** Latest roll call per emergency (sent to the convening unit). */
  rollCalls: Record<string, RollCall>;
  /** Bumped on any schedule change so lists refetch. */
  scheduleVersion: number;
  receive<E extends NotificationEvent>(event: E, payload: NotificationPayload<E>): void;
  dismissAlert(emergencyId: string): void;
  dismissReminder(): void;
  setPush(push: PushState): void;
}

export const useNotifications = create<NotificationsState>((set) => ({
  push: 'off',
  alerts: [],
  openOccurrences: {},
  reminder: null,
  rollCalls: {},
  scheduleVersion: 0,
  receive(event, payload) {
    switch (event) {
      case 'emergency:alert': {
        const alert = payload as EmergencyAlert;
        set((s) => {
          // Alerted again (the convener's "alert the silent units again"): the alert is
          // replaced, so its banner starts over with the siren.
          const known = s.alerts.find((a) => a.emergencyId === alert.emergencyId);
          const again = !!alert.realertedAt && alert.realertedAt !== known?.realertedAt;
          return {
            alerts: !known
              ? [...s.alerts, alert]
              : again
                ? s.alerts.map((a) => (a.emergencyId === alert.emergencyId ? alert : a))
                : s.alerts,
            scheduleVersion: s.scheduleVersion + 1,
          };
        });
        break;
      }
      case 'emergency:ended': {
        const { emergencyId } = payload as NotificationPayload<'emergency:ended'>;
        set((s) => ({
          alerts: s.alerts.filter((a) => a.emergencyId !== emergencyId),
          scheduleVersion: s.scheduleVersion + 1,
        }));
        break;
      }
      case 'emergency:rollCall': {
        const rc = payload as RollCall;
        set((s) => ({ rollCalls: { ...s.rollCalls, [rc.emergencyId]: rc } }));
        break;
      }
      case 'meeting:opened':
      case 'meeting:closed': {
        const { occurrenceId } = payload as NotificationPayload<'meeting:closed'>;
        set((s) => ({
          openOccurrences: { ...s.openOccurrences, [occurrenceId]: event === 'meeting:opened' },
          scheduleVersion: s.scheduleVersion + 1,
        }));
        break;
      }
      case 'meeting:cancelled':
      case 'meeting:uninvited':
        set((s) => ({ scheduleVersion: s.scheduleVersion + 1 }));
        break;
      case 'meeting:reminder':
        set({ reminder: payload as MeetingReminder });
        break;
    }
  },
  dismissAlert: (emergencyId) =>
    set((s) => ({ alerts: s.alerts.filter((a) => a.emergencyId !== emergencyId) })),
  dismissReminder: () => set({ reminder: null }),
  setPush: (push) => set({ push }),
}));

/** Validates one pushed notification against the scheduler's contract; drops anything else. */
export function acceptNotification(event: string, payload: unknown): boolean {
  if (!(event in notificationSchemas)) return false;
  const e = event as NotificationEvent;
  const parsed = notificationSchemas[e].safeParse(payload);
  if (!parsed.success) {
    console.warn('notification does not match its contract', event, parsed.error.issues);
    return false;
  }
  useNotifications.getState().receive(e, parsed.data as NotificationPayload<typeof e>);
  return true;
}
