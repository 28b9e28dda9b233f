import os from 'node:os';
import { Redis } from 'ioredis';
import { createLogger } from '@giaoban/common/logger';
import { loadPhoneServiceKey } from '@giaoban/scheduler/phone/phonePins';
import { dialWorker } from '@giaoban/scheduler/phone/dialQueue';
import { dialUriTemplate, loadPhoneConfig } from './config';
import { defaultPromptDir, loadPrompts } from './media/prompts';
import { DialApi } from './dial/dialApi';
import { runDialJob } from './dial/dialJob';
import { PhoneServer } from './sip/phoneServer';
import { keepRegistered } from './sip/register';
import { sessionForPin } from './call/appClient';
import { MeetingBridge } from './call/meetingBridge';

/**
 * The phone role (`node --import tsx phone/src/main.ts`): SIP to the trunk,
 * callers into meetings by PIN (docs/phone.md). Started by `npm start` when
 * PHONE_SIP_* is configured, and by the cluster launcher.
 */
const log = createLogger('giaoban-phone');

function firstAddress(): string {
  for (const list of Object.values(os.networkInterfaces()))
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

export async function startPhone(env: NodeJS.ProcessEnv = process.env) {
  const cfg = loadPhoneConfig(env);
  let serviceKey = cfg.PHONE_SERVICE_KEY;
  const uriTemplate = dialUriTemplate(cfg);
  // Redis: the phone key (unless given) and the dial-out queue (when a trunk to call through is set).
  const redis =
    cfg.REDIS_URL && (!serviceKey || uriTemplate)
      ? new Redis(cfg.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 })
      : undefined;
  if (!serviceKey) {
    if (!redis) throw new Error('the phone role needs REDIS_URL or PHONE_SERVICE_KEY');
    await redis.connect();
    serviceKey = await loadPhoneServiceKey(redis);
  }
  const key = serviceKey;
  const promptDir = cfg.PHONE_PROMPT_DIR ?? defaultPromptDir;
  const prompts = await loadPrompts(promptDir);
  const publicIp =
    cfg.PHONE_SIP_PUBLIC_IP ??
    (cfg.PHONE_SIP_LISTEN_IP === '0.0.0.0' ? firstAddress() : cfg.PHONE_SIP_LISTEN_IP);
  const server: PhoneServer = new PhoneServer({
    listenIp: cfg.PHONE_SIP_LISTEN_IP,
    port: cfg.PHONE_SIP_PORT,
    publicIp,
    rtpIp: cfg.PHONE_SIP_LISTEN_IP,
    prompts,
    tries: cfg.PHONE_PIN_TRIES,
    pinTimeoutMs: cfg.PHONE_PIN_TIMEOUT_S * 1000,
    maxCalls: cfg.PHONE_MAX_CALLS,
    log,
    async join(pin, callId) {
      const t0 = performance.now();
      const s = await sessionForPin(cfg.PHONE_APP_URL, key, pin);
      if (!s) return null;
      const pinMs = Math.round(performance.now() - t0);
      const joined = await openBridge(s, callId);
      const joinMs = Math.round(performance.now() - t0) - pinMs;
      log.info(
        { callId, unitId: s.unitId, meetingId: s.meetingId, pinMs, joinMs },
        'caller joined by phone',
      );
      return joined;
    },
  });
  /** A caller (dial-in) or callee (dial-out) into the meeting as its unit. */
  const openBridge = async (
    s: { token: string; meetingId: string; unitId: string },
    callId: string,
  ) => {
    const bridge = await MeetingBridge.open({
      appUrl: cfg.PHONE_APP_URL,
      token: s.token,
      meetingId: s.meetingId,
      rtpIp: cfg.PHONE_RTP_IP,
      log,
    });
    bridge.app.on('meeting:ended', ({ reason }) =>
      server.hangUp(callId, reason === 'removed' ? 'removed' : 'meetingEnded'),
    );
    bridge.app.socket.on('disconnect', () => server.hangUp(callId, 'meetingEnded'));
    return { bridge, unitId: s.unitId };
  };
  const stack = server.start();
  // The actual port (PHONE_SIP_PORT=0 in tests) is not exposed by the sip package: the configured one.
  const stopRegister =
    cfg.PHONE_SIP_REGISTRAR && cfg.PHONE_SIP_USER
      ? keepRegistered({
          stack,
          registrar: cfg.PHONE_SIP_REGISTRAR,
          user: cfg.PHONE_SIP_USER,
          password: cfg.PHONE_SIP_PASSWORD,
          contactHost: publicIp,
          port: cfg.PHONE_SIP_PORT,
          expires: cfg.PHONE_SIP_REGISTER_EXPIRES,
          outboundProxy: cfg.PHONE_SIP_OUTBOUND_PROXY,
          log,
        })
      : () => undefined;
  // Dial-out: calls the scheduler queued (host panel, emergency escalation), one job per call.
  const dialing =
    redis && uriTemplate
      ? dialWorker(
          redis,
          (job) =>
            runDialJob(job, {
              api: new DialApi(cfg.PHONE_APP_URL, key),
              server,
              prompts,
              promptDir,
              uriTemplate,
              user: cfg.PHONE_SIP_USER,
              password: cfg.PHONE_SIP_PASSWORD,
              outboundProxy: cfg.PHONE_SIP_OUTBOUND_PROXY,
              timeoutMs: cfg.PHONE_DIAL_TIMEOUT_S * 1000,
              repeats: cfg.PHONE_DIAL_PROMPT_REPEATS,
              log,
              join: openBridge,
            }),
          cfg.PHONE_DIAL_CONCURRENCY,
        )
      : undefined;
  dialing?.worker.on('failed', (job, err) =>
    log.error({ err, jobId: job?.id }, 'dial-out job failed'),
  );
  if (!dialing && !uriTemplate) redis?.disconnect();
  log.info(
    {
      sip: `${cfg.PHONE_SIP_LISTEN_IP}:${cfg.PHONE_SIP_PORT}`,
      publicIp,
      app: cfg.PHONE_APP_URL,
      dialOut: Boolean(dialing),
    },
    'phone role ready',
  );
  return {
    server,
    async close() {
      stopRegister();
      await dialing?.worker.close();
      dialing?.connection.disconnect();
      await server.stop();
      redis?.disconnect();
    },
  };
}
