import type { Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '@giaoban/common/logger';
import type { AccountStore } from '../accounts/accountStore';
import type { AuditLog } from '../audit/auditLog';
import type { SessionTokens } from '../auth/tokens';
import type { SchedulerConfig } from '../config';
import type { EmergencyService } from '../emergency/emergencyService';
import { dialOutRoutes } from '../http/dialOutRoutes';
import { phoneRoutes } from '../http/phoneRoutes';
import type { MeetingStore } from '../meetings/meetingStore';
import type { OrgTree } from '../orgTree/orgTree';
import { startSms } from '../sms/smsModule';
import { CallEscalation } from './callEscalation';
import { DialOutService } from './dialOut';
import { PhonePins, loadPhoneServiceKey } from './phonePins';
import { UnitEscalationDelays, UnitPhoneBook } from './unitPhones';

/**
 * The phone side of the scheduler (docs/phone.md): PINs for dial-in, the units'
 * phone book, dial-out and, once the emergency service exists, the SMS and call
 * escalation of alerts. Two steps because the emergency service is built
 * between them (it needs the meetings; the escalations need it).
 */
export interface PhoneModule {
  readonly pins: PhonePins;
  readonly phones: UnitPhoneBook;
  readonly delays: UnitEscalationDelays;
  /** Dial-in: PIN checks and the phone role's calls (`/phone/...`). */
  readonly routes: Router;
  /** Starts the alert escalations; returns the dial-out routes and whether SMS is on. */
  withEmergencies(emergencies: EmergencyService): { routes: Router; smsEnabled: boolean };
  close(): Promise<void>;
}

export async function createPhoneModule(deps: {
  config: SchedulerConfig;
  redis: Redis;
  log: Logger;
  tree: OrgTree;
  meetings: MeetingStore;
  accounts: AccountStore;
  tokens: SessionTokens;
  audit: AuditLog;
}): Promise<PhoneModule> {
  const { config, redis, log, tree, meetings, tokens, audit } = deps;
  const pins = new PhonePins(redis);
  const phones = new UnitPhoneBook(redis);
  const delays = new UnitEscalationDelays(redis);
  const serviceKey = await loadPhoneServiceKey(redis, config.PHONE_SERVICE_KEY);
  const dialOutOn =
    config.PHONE_DIAL_OUT === 'true' ||
    (!!config.PHONE_SIP_NUMBER && config.PHONE_DIAL_OUT !== 'false');
  const dialOut = new DialOutService({
    redis,
    tree,
    meetings,
    phones,
    log: log.child({ part: 'dialOut' }),
  });
  const routes = phoneRoutes({
    tree,
    meetings,
    pins,
    accounts: deps.accounts,
    tokens,
    sessions: tokens,
    serviceKey,
    number: config.PHONE_SIP_NUMBER,
    ...(dialOutOn ? { dialOut: { service: dialOut, phones } } : {}),
  });

  let sms: ReturnType<typeof startSms> = null;
  let callEscalation: CallEscalation | undefined;
  return {
    pins,
    phones,
    delays,
    routes,
    withEmergencies(emergencies) {
      sms = startSms({ config, redis, log, emergencies, pins, phones, delays, audit });
      dialOut.useEmergencies(emergencies);
      callEscalation = dialOutOn
        ? new CallEscalation({
            redis,
            emergencies,
            dialOut,
            phones,
            log: log.child({ part: 'phoneEscalation' }),
            afterMinutes: config.PHONE_ESCALATE_CALL_AFTER_MIN,
          })
        : undefined;
      const routes = dialOutRoutes({
        tree,
        meetings,
        dialOut,
        sessions: tokens,
        audit,
        serviceKey,
        configured: dialOutOn,
      });
      return { routes, smsEnabled: sms !== null };
    },
    async close() {
      await sms?.close();
      await callEscalation?.close();
      await dialOut.close();
    },
  };
}
