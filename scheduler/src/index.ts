import express, { type Router } from 'express';
import cookieParser from 'cookie-parser';
import type { Redis } from 'ioredis';
import { AppError } from '@giaoban/common/errors';
import type { Logger } from '@giaoban/common/logger';
import type {
  AttendanceRecorder,
  MeetingGate,
  SessionVerifier,
  UnitNotifier,
} from '@giaoban/common/ports';
import { OrgTree } from './orgTree/orgTree';
import { defaultTiers, quangBinhUnits } from './orgTree/seedData';
import type { UnitsResponse } from './api/units';
import { loadSchedulerConfig, type SchedulerConfig } from './config';
import { AccountStore } from './accounts/accountStore';
import { AccountService } from './accounts/accountService';
import { seedDemoAccounts } from './accounts/demoSeed';
import { SessionTokens, loadJwtSecret } from './auth/tokens';
import { LoginLimiter } from './auth/loginLimiter';
import { AuditLog } from './audit/auditLog';
import { NotifierHub } from './notify/notifierHub';
import { authRoutes } from './http/authRoutes';
import { csrfGuard } from './http/csrfGuard';
import { meetingRoutes } from './http/meetingRoutes';
import { MeetingStore } from './meetings/meetingStore';
import { MeetingService } from './meetings/meetingService';
import { MeetingViews } from './meetings/meetingViews';
import { SchedulerGate } from './meetings/gate';
import type { Timing } from './meetings/occurrences';
import { MeetingJobs } from './jobs/meetingJobs';
import { AttendanceStore } from './attendance/attendanceStore';
import { attendanceRoutes } from './http/attendanceRoutes';
import { EmergencyService } from './emergency/emergencyService';
import { emergencyRoutes } from './http/emergencyRoutes';
import { adminRoutes } from './http/adminRoutes';
import { CalendarFeed } from './calendar/calendarFeed';
import { calendarRoutes } from './http/calendarRoutes';
import { openApiRoutes } from './http/openapi';
import { requireSession } from './auth/middleware';
import { watchRedisConnection } from '@giaoban/common/redisWatch';
import { recordingsDir } from '@giaoban/common/recordingsDir';
import { RecordingStore } from './recordings/recordingStore';
import { RecordingPurge } from './recordings/recordingPurge';
import { recordingRoutes } from './http/recordingRoutes';
import { createPhoneModule } from './phone/phoneModule';

const UNITS_CHANNEL = 'gb:units:changed';

export interface SchedulerOptions {
  redis: Redis;
  log: Logger;
  /** Seed the Quảng Bình org tree and the demo accounts on first start. */
  seed: boolean;
  /** Scheduler settings (JWT_SECRET, timings…); defaults to process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface Scheduler {
  readonly router: Router;
  readonly orgTree: OrgTree;
  readonly config: SchedulerConfig;
  readonly accounts: AccountService;
  readonly audit: AuditLog;
  readonly meetings: MeetingService;
  readonly views: MeetingViews;
  readonly jobs: MeetingJobs;
  /** Verifies session tokens (signaling handshake); also issues and revokes them. */
  readonly sessions: SessionVerifier & SessionTokens;
  /** Decides who may join which meeting (signaling join). */
  readonly gate: MeetingGate;
  /** Receives join/leave/audio-only events (signaling). */
  readonly attendance: AttendanceRecorder & AttendanceStore;
  readonly emergencies: EmergencyService;
  readonly calendar: CalendarFeed;
  /** Recordings' metadata and timelines (signaling writes them: RecordingLedger). */
  readonly recordings: RecordingStore;
  readonly recordingPurge: RecordingPurge;
  /** Signaling hands in its UnitNotifier so reminders and alerts reach endpoints. */
  attachNotifier(notifier: UnitNotifier): void;
  close(): Promise<void>;
}

export async function createScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const { redis, log } = options;
  const config = loadSchedulerConfig(options.env);
  const orgTree = await OrgTree.load(redis);
  if (options.seed && (await orgTree.seedIfEmpty(defaultTiers, quangBinhUnits()))) {
    log.info({ units: orgTree.size }, 'org tree seeded (Quảng Bình)');
  }

  const accountStore = new AccountStore(redis);
  const accounts = new AccountService(accountStore, orgTree);
  if (options.seed) {
    const seeded = await seedDemoAccounts(orgTree, accountStore);
    if (seeded) log.info({ accounts: seeded }, 'demo accounts seeded (password GiaoBan@2026)');
  }
  if (config.NODE_ENV === 'production') {
    const demo = await accountStore.anyDemoPassword();
    if (demo.length > 0) {
      throw new Error(
        `Refusing to start in production: ${demo.length} account(s) still have the demo password ` +
          `(${demo.slice(0, 5).join(', ')}…). Start with SEED_DEMO=false on a fresh data folder and ` +
          'create the first admin with `npm run admin:create` (see docs/scheduler.md).',
      );
    }
  }

  const tokens = new SessionTokens(
    await loadJwtSecret(redis, config.JWT_SECRET),
    redis,
    accountStore,
    Math.round(config.SESSION_TTL_HOURS * 3600),
  );
  const limiter = new LoginLimiter(redis, {
    perUser: config.LOGIN_MAX_FAILURES,
    perIp: config.LOGIN_MAX_FAILURES_PER_IP,
    perAccount: config.LOGIN_MAX_FAILURES_PER_ACCOUNT,
    windowSeconds: config.LOGIN_WINDOW_SECONDS,
  });
  const audit = new AuditLog(redis, log);
  const notifier = new NotifierHub(log);

  const router = express.Router();
  // Every route below may authenticate by the session cookie.
  router.use(cookieParser());
  // …so a state-changing one must prove it comes from the app itself (same-site CSRF).
  router.use(csrfGuard());
  // The org tree names every unit and its link profile: for signed-in users only
  // (the login screen does not need it; the app loads it after sign-in).
  router.get('/units', requireSession(tokens), (_req, res) => {
    const tree = orgTree.tree();
    if (!tree) throw new AppError('NOT_FOUND');
    const body: UnitsResponse = { tiers: [...orgTree.tiers], tree, count: orgTree.size };
    res.json(body);
  });
  router.use(openApiRoutes());
  router.use(
    authRoutes({
      accounts,
      tokens,
      limiter,
      audit,
      // auto: on in production, and on every request that came over HTTPS (directly, or
      // through a proxy's X-Forwarded-Proto when the app trusts it: TRUST_PROXY).
      secureCookie: (req) =>
        config.COOKIE_SECURE === 'auto'
          ? config.NODE_ENV === 'production' || req.secure
          : config.COOKIE_SECURE === 'true',
    }),
  );

  const timing: Timing = {
    reminderLeadMs: config.REMINDER_LEAD_MIN * 60_000,
    openLeadMs: config.OPEN_LEAD_MIN * 60_000,
    closeGraceMs: config.CLOSE_GRACE_MIN * 60_000,
  };
  const meetingStore = await MeetingStore.load(redis, log);
  const meetings = new MeetingService(orgTree, meetingStore, timing);
  const views = new MeetingViews(orgTree, meetings);
  const gate: MeetingGate = new SchedulerGate(orgTree, meetings);
  const jobs = new MeetingJobs(redis, meetings, notifier, log, {
    planHorizonMs: config.PLAN_HORIZON_HOURS * 3600_000,
    planEveryMs: config.PLAN_EVERY_MIN * 60_000,
  });
  meetings.onChange((m) => {
    jobs
      .plan(m)
      .catch((err: unknown) => log.error({ err, meetingId: m.id }, 'planning jobs failed'));
  });
  await jobs.start();
  const phone = await createPhoneModule({
    config,
    redis,
    log,
    tree: orgTree,
    meetings: meetingStore,
    accounts: accountStore,
    tokens,
    audit,
  });
  router.use(phone.routes);
  router.use(
    meetingRoutes({
      tree: orgTree,
      meetings,
      views,
      sessions: tokens,
      audit,
      gate,
      onEnded: (slot) => jobs.ended(slot),
      onCancelled: (slots) => jobs.cancelled(slots),
      onInvitationsChanged: (before, after) => jobs.uninvited(before, after),
    }),
  );
  const attendance = new AttendanceStore(redis, log);
  // Endpoints of a signaling node that crashed or was lost stop being present.
  const staleMs = config.PRESENCE_STALE_SECONDS * 1000;
  const presenceCheck = setInterval(
    () => {
      attendance
        .reconcile(Date.now() - staleMs)
        .catch((err: unknown) => log.warn({ err }, 'presence reconciliation failed'));
    },
    Math.max(250, staleMs / 3),
  );
  presenceCheck.unref();
  const recordings = new RecordingStore({
    redis,
    log: log.child({ part: 'recordings' }),
    root: recordingsDir({ RECORDINGS_DIR: config.RECORDINGS_DIR, DATA_DIR: config.DATA_DIR }),
    hostOf: (meetingId) => meetingStore.get(meetingId)?.meeting.hostUnitId,
  });
  const recordingPurge = new RecordingPurge(
    redis,
    recordings,
    log,
    config.RECORDING_RETENTION_DAYS,
  );
  await recordingPurge.start();
  router.use(
    attendanceRoutes({ tree: orgTree, store: attendance, views, sessions: tokens, recordings }),
  );
  router.use(recordingRoutes({ tree: orgTree, views, store: recordings, audit, sessions: tokens }));
  const emergencies = new EmergencyService({
    redis,
    tree: orgTree,
    meetings,
    attendance,
    notifier,
    audit,
    log,
    durationMinutes: config.EMERGENCY_DURATION_MIN,
  });
  router.use(emergencyRoutes({ emergencies, sessions: tokens }));
  const escalation = phone.withEmergencies(emergencies);
  router.use(escalation.routes);
  // Unit edits by an admin on one process reach the org tree of every process.
  const unitsSub = redis.duplicate();
  watchRedisConnection(unitsSub, log, 'units');
  unitsSub.on('message', () => {
    orgTree.reload().catch((err: unknown) => log.error({ err }, 'org tree reload failed'));
  });
  await unitsSub.subscribe(UNITS_CHANNEL);
  router.use(
    adminRoutes({
      tree: orgTree,
      audit,
      sessions: tokens,
      phones: phone.phones,
      delays: phone.delays,
      sms: { defaultAfterMin: config.SMS_ESCALATE_AFTER_MIN, enabled: escalation.smsEnabled },
      onUnitChanged: (unitId) => void redis.publish(UNITS_CHANNEL, unitId).catch(() => undefined),
    }),
  );
  const feed = new CalendarFeed(redis, orgTree, meetings);
  router.use(
    calendarRoutes({
      tree: orgTree,
      feed,
      sessions: tokens,
      ...(config.PUBLIC_URL ? { publicUrl: config.PUBLIC_URL } : {}),
    }),
  );

  return {
    router,
    orgTree,
    config,
    accounts,
    audit,
    meetings,
    views,
    jobs,
    sessions: tokens,
    gate,
    attendance,
    emergencies,
    calendar: feed,
    recordings,
    recordingPurge,
    attachNotifier: (n) => notifier.attach(n),
    async close() {
      clearInterval(presenceCheck);
      unitsSub.disconnect();
      emergencies.close();
      await phone.close();
      await recordingPurge.close();
      await attendance.flush();
      await jobs.close();
      await meetingStore.close();
    },
  };
}
