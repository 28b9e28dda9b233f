import { io, type Socket } from 'socket.io-client';
import { AppError } from '@giaoban/common/errors';
import {
  requests,
  type Ack,
  type NotificationName,
  type NotificationOf,
  type RequestName,
  type RequestOf,
  type ResponseOf,
} from '@giaoban/signaling/protocol/index';
import {
  phoneSessionResponseSchema,
  type PhoneSessionResponse,
} from '@giaoban/scheduler/api/phone';

/** The scheduler's answer to a PIN: a session of its unit, or null (a wrong PIN). */
export async function sessionForPin(
  appUrl: string,
  serviceKey: string,
  pin: string,
): Promise<PhoneSessionResponse | null> {
  const res = await fetch(new URL('/api/phone/session', appUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${serviceKey}` },
    body: JSON.stringify({ pin }),
    signal: AbortSignal.timeout(5_000),
  });
  if (res.status === 200) return phoneSessionResponseSchema.parse(await res.json());
  const body = (await res.json().catch(() => ({}))) as { error?: { code?: string } };
  const code = body.error?.code;
  if (code === 'PHONE_PIN_WRONG' || code === 'BAD_REQUEST') return null;
  throw new AppError('UNAVAILABLE', { status: res.status, code });
}

/** One call's signaling connection, as the PIN's unit (the same protocol as a browser's). */
export class AppClient {
  readonly socket: Socket;

  private constructor(socket: Socket) {
    this.socket = socket;
  }

  static connect(appUrl: string, token: string): Promise<AppClient> {
    const socket = io(appUrl, {
      path: '/socket.io',
      auth: { token },
      transports: ['websocket'],
      reconnection: false,
    });
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => {
        socket.close();
        reject(new AppError('UNAVAILABLE', { reason: 'signaling connect timeout' }));
      }, 10_000);
      socket.once('connect', () => {
        clearTimeout(t);
        resolve(new AppClient(socket));
      });
      socket.once('connect_error', (err) => {
        clearTimeout(t);
        socket.close();
        reject(err);
      });
    });
  }

  async request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>> {
    const ack = (await this.socket.timeout(10_000).emitWithAck(name, payload)) as Ack<unknown>;
    if (!ack.ok) throw new AppError('UNAVAILABLE', { request: name, code: ack.error.code });
    return requests[name].response.parse(ack.data) as ResponseOf<N>;
  }

  on<N extends NotificationName>(name: N, listener: (payload: NotificationOf<N>) => void): void {
    this.socket.on(name as string, listener as (p: unknown) => void);
  }

  close(): void {
    this.socket.close();
  }
}
