import type { UnitNotifier } from '@giaoban/common/ports';
import type { Logger } from '@giaoban/common/logger';
import {
  notificationSchemas,
  type NotificationEvent,
  type NotificationPayload,
} from '../api/notifications';

/**
 * The scheduler's side of UnitNotifier: typed notifications, validated before
 * they leave, forwarded to whichever notifier signaling attached (none in a
 * scheduler-only process, where they are logged and dropped).
 */
export class NotifierHub {
  #notifier: UnitNotifier | undefined;
  readonly #log: Logger;

  constructor(log: Logger) {
    this.#log = log;
  }

  attach(notifier: UnitNotifier): void {
    this.#notifier = notifier;
  }

  notify<E extends NotificationEvent>(
    unitIds: string[],
    event: E,
    payload: NotificationPayload<E>,
  ): void {
    const checked = notificationSchemas[event].parse(payload);
    if (!this.#notifier) {
      this.#log.debug(
        { event, units: unitIds.length },
        'no notifier attached: notification dropped',
      );
      return;
    }
    try {
      this.#notifier.notifyUnits(unitIds, event, checked);
    } catch (err) {
      this.#log.error({ err, event }, 'notifier failed');
    }
  }
}
