import { io, type Socket } from 'socket.io-client';

/**
 * The meeting's signaling socket, opened as soon as the pre-join screen shows
 * (warmJoin), before the meeting engine has arrived: on a first visit over GPRS
 * the engine (~50 KB) takes ~8 s and the socket's handshake (TCP, WebSocket
 * upgrade, socket.io connect: 1–3 s there) then overlaps it instead of
 * following it. socket.io-client is already on the page (notifications), so
 * this costs no download. The engine's SignalingClient adopts the socket.
 */
export interface MeetingSocketOptions {
  token: string;
  /** Defaults to this page's origin. */
  url?: string;
  /**
   * Handshake query. A meeting socket carries `{ meetingId }`: a cluster's
   * balancer sends every socket of one meeting to the same signaling node.
   */
  query?: Record<string, string>;
}

export function openSocket(opts: MeetingSocketOptions): Socket {
  const o = {
    auth: { token: opts.token },
    // Long-polling first would cost round trips on a slow link before the upgrade.
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5_000,
    ...(opts.query ? { query: opts.query } : {}),
  };
  return opts.url ? io(opts.url, o) : io(o);
}

const key = (o: MeetingSocketOptions) =>
  JSON.stringify([o.token, o.url ?? '', o.query?.meetingId ?? '']);

let early: { key: string; socket: Socket; timer: ReturnType<typeof setTimeout> } | null = null;
/** An early socket nobody adopted (the user went elsewhere) closes after this. */
const EARLY_TTL_MS = 10 * 60_000;

/** Opens the socket a meeting's engine will use (one at a time; another meeting's is closed). */
export function openMeetingSocketEarly(o: MeetingSocketOptions): Socket {
  if (early?.key === key(o)) return early.socket;
  dropEarlySocket();
  const socket = openSocket(o);
  early = { key: key(o), socket, timer: setTimeout(dropEarlySocket, EARLY_TTL_MS) };
  return socket;
}

/** The early socket for these options, if one was opened (then it is the caller's). */
export function takeEarlySocket(o: MeetingSocketOptions): Socket | undefined {
  if (early?.key !== key(o)) return undefined;
  const { socket, timer } = early;
  clearTimeout(timer);
  early = null;
  return socket;
}

export function dropEarlySocket(): void {
  if (!early) return;
  clearTimeout(early.timer);
  early.socket.disconnect();
  early = null;
}
