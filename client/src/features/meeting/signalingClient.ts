import type { Socket } from 'socket.io-client';
import type { ErrorBody } from '@giaoban/common/errors';
import type {
  AckOf,
  NotificationName,
  NotificationOf,
  RequestName,
  RequestOf,
  ResponseOf,
} from '@giaoban/signaling/protocol/index';
import { markJoin } from './joinTrace';
import { openSocket, takeEarlySocket } from './meetingSocket';

/** A request the server refused: the code is what the UI translates. */
export class SignalingError extends Error {
  readonly code: string;
  readonly body: ErrorBody | undefined;
  constructor(code: string, body?: ErrorBody) {
    super(body?.messageEn ?? code);
    this.code = code;
    this.body = body;
  }
}

export interface SignalingClientOptions {
  token: string;
  /** Defaults to this page's origin. */
  url?: string;
  requestTimeoutMs?: number;
  /**
   * Handshake query. A meeting socket carries `{ meetingId }`: a cluster's
   * balancer sends every socket of one meeting to the same signaling node.
   */
  query?: Record<string, string>;
}

/**
 * The browser's end of the signaling protocol: typed requests (ack or
 * SignalingError) and typed notifications. socket.io reconnects by itself and
 * recovers the session (same socket id, same endpoint) after short drops.
 */
export class SignalingClient {
  readonly socket: Socket;
  readonly #timeoutMs: number;

  constructor(opts: SignalingClientOptions) {
    // The pre-join screen may have opened it already (meetingSocket.ts).
    this.socket = takeEarlySocket(opts) ?? openSocket(opts);
    this.#timeoutMs = opts.requestTimeoutMs ?? 15_000;
    this.socket.onAny((name: string) => markJoin(`notice ${name}`));
    if (this.socket.connected) markJoin('socket connected early');
    this.socket.on('connect', () => markJoin('socket connect'));
    this.socket.on('disconnect', (why) => markJoin(`socket disconnect ${why}`));
    this.socket.on('connect_error', (e) => markJoin(`socket connect_error ${e.message}`));
  }

  connected(): Promise<void> {
    if (this.socket.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const ok = () => {
        this.socket.off('connect_error', fail);
        resolve();
      };
      const fail = (err: Error & { data?: ErrorBody }) => {
        this.socket.off('connect', ok);
        reject(new SignalingError(err.data?.code ?? err.message, err.data));
      };
      this.socket.once('connect', ok);
      this.socket.once('connect_error', fail);
    });
  }

  async request<N extends RequestName>(name: N, payload: RequestOf<N>): Promise<ResponseOf<N>> {
    let ack: AckOf<N>;
    markJoin(`sent ${name}`);
    try {
      ack = (await this.socket.timeout(this.#timeoutMs).emitWithAck(name, payload)) as AckOf<N>;
    } catch {
      throw new SignalingError('UNAVAILABLE');
    }
    markJoin(`answer ${name}`);
    if (!ack.ok) throw new SignalingError(ack.error.code, ack.error);
    return ack.data;
  }

  on<N extends NotificationName>(
    name: N,
    handler: (payload: NotificationOf<N>) => void,
  ): () => void {
    const h = handler as (p: unknown) => void;
    this.socket.on(name as string, h);
    return () => void this.socket.off(name as string, h);
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
