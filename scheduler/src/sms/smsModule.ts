import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { AuditLog } from '../audit/auditLog';
import type { SchedulerConfig } from '../config';
import type { EmergencyEvent, EmergencyService } from '../emergency/emergencyService';
import type { PhonePins } from '../phone/phonePins';
import type { UnitEscalationDelays, UnitPhoneBook } from '../phone/unitPhones';
import { SmppLink } from './smppLink';
import { SmsEscalation } from './smsEscalation';
import { SmsSender } from './smsSender';

export interface SmsModule {
  close(): Promise<void>;
}

/**
 * Alert escalation by SMS (docs/phone.md "Alert escalation (SMS)"), on when SMPP_URL is
 * set: the SMPP link, the sender and the delayed jobs, fed by the emergency service's
 * events. Off: says so once and does nothing.
 */
export function startSms(deps: {
  config: SchedulerConfig;
  redis: Redis;
  log: Logger;
  emergencies: EmergencyService;
  pins: PhonePins;
  phones: UnitPhoneBook;
  delays: UnitEscalationDelays;
  audit: AuditLog;
}): SmsModule | null {
  const { config } = deps;
  const log = deps.log.child({ part: 'sms' });
  if (!config.SMPP_URL) {
    log.info('SMS escalation off: SMPP_URL is not set');
    return null;
  }
  let sender: SmsSender | null = null;
  const link = new SmppLink({
    url: config.SMPP_URL,
    systemId: config.SMPP_SYSTEM_ID,
    password: config.SMPP_PASSWORD,
    enquireLinkMs: config.SMPP_ENQUIRE_LINK_S * 1000,
    reconnectMaxMs: config.SMPP_RECONNECT_MAX_S * 1000,
    log,
    onReceipt: (r) => sender?.receipt(r),
  });
  sender = new SmsSender({
    link,
    redis: deps.redis,
    log,
    source: config.SMS_SENDER,
    onDelivered: (ref, at) =>
      deps.emergencies.markEscalation(ref.emergencyId, ref.unitId, 'smsDeliveredAt', at),
  });
  const escalation = new SmsEscalation(
    { ...deps, sender, log },
    {
      defaultAfterMin: config.SMS_ESCALATE_AFTER_MIN,
      attempts: config.SMS_SEND_ATTEMPTS,
      retryBaseMs: config.SMS_RETRY_BASE_S * 1000,
      dialIn: config.PHONE_SIP_NUMBER ?? null,
    },
  );
  deps.emergencies.onEvent(async (event: EmergencyEvent) => {
    if (event.type === 'convened') await escalation.convened(event.emergency);
    else if (event.type === 'settled') await escalation.settled(event.emergencyId, event.unitId);
    else await escalation.ended(event.emergency);
  });
  link.start();
  log.info(
    { smsc: config.SMPP_URL.replace(/\/\/.*@/, '//'), afterMin: config.SMS_ESCALATE_AFTER_MIN },
    'SMS escalation on',
  );
  return {
    async close() {
      await escalation.close();
      await link.stop();
    },
  };
}
