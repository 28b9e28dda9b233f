import os from 'node:os';
import { Redis } from 'ioredis';
import { createLogger } from '@giaoban/common/logger';
import { loadPhoneServiceKey } from '@giaoban/scheduler/phone/phonePins';
import { loadPhoneConfig } from './config';
import { defaultPromptDir, loadPrompts } from './media/prompts';
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
  if (!serviceKey) {
    if (!cfg.REDIS_URL) throw new Error('the phone role needs REDIS_URL or PHONE_SERVICE_KEY');
    const redis = new Redis(cfg.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await redis.connect();
    serviceKey = await loadPhoneServiceKey(redis);
    redis.disconnect();
  }
  const prompts = await loadPrompts(cfg.PHONE_PROMPT_DIR ?? defaultPromptDir);
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
      const s = await sessionForPin(cfg.PHONE_APP_URL, serviceKey, pin);
      if (!s) return null;
      const pinMs = Math.round(performance.now() - t0);
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
      const joinMs = Math.round(performance.now() - t0) - pinMs;
      log.info(
        { callId, unitId: s.unitId, meetingId: s.meetingId, pinMs, joinMs },
        'caller joined by phone',
      );
      return { bridge, unitId: s.unitId };
    },
  });
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
  log.info(
    { sip: `${cfg.PHONE_SIP_LISTEN_IP}:${cfg.PHONE_SIP_PORT}`, publicIp, app: cfg.PHONE_APP_URL },
    'phone role ready',
  );
  return {
    server,
    async close() {
      stopRegister();
      await server.stop();
    },
  };
}
