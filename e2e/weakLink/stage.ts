import type { Browser, Page } from 'playwright-core';
import { startTestApp } from '../../infra/test/app';
import { WeakLink } from '../../infra/netem/weakLink';
import type { LinkProfile, LinkProfileName } from '../../infra/netem/profiles';
import { launchChromium } from '../browser';
import { login, openProbe, probeJoin, probeLeave, probePrepare, startMeeting } from './probe';

/**
 * The weak-link stage: the whole server on the host (loopback), one shaped
 * namespace with its delay relay, a Chromium inside the namespace (the
 * commune) and a Chromium on the host (the speakers). The server announces
 * the relay's address, so the commune's media and signaling both cross the
 * shaped link; the speakers' traffic passes the relay undelayed.
 */
export interface Stage {
  app: Awaited<ReturnType<typeof startTestApp>>;
  link: WeakLink;
  meetingId: string;
  /** The commune's origin (through the relay). */
  shapedOrigin: string;
  hostOrigin: string;
  shapedBrowser: Browser;
  hostBrowser: Browser;
  /** Speakers' pages, in join order. */
  speakers: Page[];
  close(): Promise<void>;
}

/** Units of the stage's meeting: the province host speaks, communes of Đồng Hới (good) and Minh Hóa (poor). */
export const SPEAKER_ACCOUNTS = ['host44', 'u450', 'u18856'];
export const COMMUNE_GOOD = 'u18853';
export const COMMUNE_POOR = 'u18901';
const UNITS = ['450', '18853', '18856', '18901'];

export async function createStage(opts: {
  profile: LinkProfile | LinkProfileName;
  speakers: number;
  speakerVideo: boolean;
  /** Extra server environment (e.g. AUDIO_REPAIR for bench:voice). */
  env?: Record<string, string>;
  /** The commune's Chromium held to this share of one core (a starved browser). */
  communeCpuPct?: number;
}): Promise<Stage> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const link = await WeakLink.create(opts.profile);
    cleanups.push(() => link.close());
    const app = await startTestApp({
      SFU_WORKERS: '1',
      RTC_LISTEN_IP: '127.0.0.1',
      RTC_ANNOUNCED_ADDRESS: link.hostAddress,
      ...opts.env,
    });
    cleanups.push(() => app.close());
    const appPort = Number(new URL(app.url).port);
    const dump = await app.workers.workers[0]!.webRtcServer.dump();
    const rtcPort = dump.udpSockets[0]!.port;
    const [httpPort] = await link.relay([
      { proto: 'tcp', listenPort: 0, targetPort: appPort },
      // mediasoup announces an address but no port: the relay keeps the port.
      { proto: 'udp', listenPort: rtcPort, targetPort: rtcPort },
      { proto: 'tcp', listenPort: dump.tcpServers[0]!.port, targetPort: dump.tcpServers[0]!.port },
    ]);
    const hostOrigin = `http://127.0.0.1:${appPort}`;
    const hostToken = await login(hostOrigin, 'host44');
    const meetingId = await startMeeting(hostOrigin, hostToken, UNITS);

    const hostBrowser = await launchChromium();
    cleanups.push(() => hostBrowser.close());
    const shapedBrowser = await link.launchChromium(httpPort!, [], {
      cpuQuotaPct: opts.communeCpuPct,
    });
    const speakers: Page[] = [];
    for (const username of SPEAKER_ACCOUNTS.slice(0, opts.speakers)) {
      const page = await openProbe(hostBrowser, hostOrigin);
      await probeJoin(page, {
        token: username === 'host44' ? hostToken : await login(hostOrigin, username),
        meetingId,
        deviceId: `bench-${username}`,
        video: opts.speakerVideo,
      });
      speakers.push(page);
      cleanups.push(() => probeLeave(page));
    }
    return {
      app,
      link,
      meetingId,
      shapedOrigin: link.url(httpPort!).replace(/\/$/, ''),
      hostOrigin,
      shapedBrowser,
      hostBrowser,
      speakers,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Opens the commune's probe in the namespace and joins; returns its page. */
/**
 * A commune joins over the shaped link as a user does: the pre-join screen
 * prepares the join (unless `cold`), the user looks at it for `lookMs`, then clicks.
 */
export async function joinCommune(
  stage: Stage,
  username: string,
  video: boolean,
  o: { cold?: boolean; lookMs?: number; deviceId?: string; measured?: 'good' | 'weak' } = {},
): Promise<Page> {
  const token = await login(stage.hostOrigin, username);
  const page = await openProbe(stage.shapedBrowser, stage.shapedOrigin);
  const opts = {
    token,
    meetingId: stage.meetingId,
    deviceId: o.deviceId ?? `shaped-${username}`,
    video,
    ...(o.measured && { measured: o.measured }),
  };
  if (!o.cold) {
    await probePrepare(page, opts);
    await new Promise((r) => setTimeout(r, o.lookMs ?? 1_000));
  }
  await probeJoin(page, opts);
  return page;
}
