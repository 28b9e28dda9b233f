import { io, type Socket } from 'socket.io-client';
import type { AckOf, RequestName, RequestOf } from '../protocol/index';

/**
 * Test helpers over a real all-in-one server: log in through the REST API,
 * connect a real socket.io client with the session token, send typed requests.
 */
export async function login(
  baseUrl: string,
  username: string,
  password = 'GiaoBan@2026',
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** A meeting open now, hosted by `hostToken`'s unit, inviting these units. */
export async function startMeeting(
  baseUrl: string,
  hostToken: string,
  unitIds: string[],
): Promise<string> {
  const res = await fetch(`${baseUrl}/api/meetings/start-now`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${hostToken}` },
    body: JSON.stringify({
      title: 'Họp thử',
      durationMinutes: 60,
      selectors: unitIds.map((unitId) => ({ type: 'unit', unitId })),
    }),
  });
  if (res.status !== 201) throw new Error(`start-now: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { meeting: { id: string } }).meeting.id;
}

export interface TestClient {
  socket: Socket;
  request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<AckOf<N>>;
  /** Every notification received, in order. */
  events: { name: string; payload: unknown }[];
  next(name: string, timeoutMs?: number): Promise<unknown>;
  close(): void;
}

export async function connect(
  baseUrl: string,
  token: string | undefined,
  /** query: handshake query (a cluster's balancer routes a meeting's sockets by `meetingId`). */
  /** ca: the CA that signed an HTTPS server's certificate (a local CA in tests). */
  opts: { reconnection?: boolean; query?: Record<string, string>; ca?: string } = {},
): Promise<TestClient> {
  const socket = io(baseUrl, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: opts.reconnection ?? false,
    reconnectionDelay: 100,
    forceNew: true,
    ...(opts.query ? { query: opts.query } : {}),
    ...(opts.ca ? { ca: opts.ca } : {}),
  });
  const events: { name: string; payload: unknown }[] = [];
  socket.onAny((name: string, payload: unknown) => events.push({ name, payload }));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (err) => reject(err));
  });
  return {
    socket,
    events,
    request: (name, payload) => socket.timeout(10_000).emitWithAck(name, payload),
    next: (name, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        const t = setTimeout(
          () => reject(new Error(`no ${name} within ${timeoutMs} ms`)),
          timeoutMs,
        );
        socket.once(name, (payload: unknown) => {
          clearTimeout(t);
          resolve(payload);
        });
      }),
    close: () => socket.disconnect(),
  };
}
