/** The parts of the `sip` package (kirm/sip.js) the phone role uses; it ships no types. */
declare module 'sip' {
  export interface SipUri {
    schema?: string;
    user?: string;
    password?: string;
    host: string;
    port?: number;
    params: Record<string, string | null | undefined>;
    headers?: Record<string, string>;
  }
  export interface NameAddr {
    name?: string;
    uri: string;
    params: Record<string, string | null | undefined>;
  }
  export interface Via {
    version?: string;
    protocol?: string;
    host?: string;
    port?: number;
    params: Record<string, string | undefined>;
  }
  export interface SipHeaders {
    via?: Via[];
    to: NameAddr;
    from: NameAddr;
    'call-id': string;
    cseq: { seq: number; method: string };
    contact?: NameAddr[];
    'content-type'?: string;
    [name: string]: unknown;
  }
  export interface SipRequest {
    method: string;
    uri: string;
    version?: string;
    headers: SipHeaders;
    content?: string;
  }
  export interface SipResponse {
    status: number;
    reason: string;
    version?: string;
    headers: SipHeaders;
    content?: string;
  }
  export interface Remote {
    protocol: string;
    address: string;
    port: number;
  }
  export interface StackOptions {
    port?: number;
    address?: string;
    publicAddress?: string;
    hostname?: string;
    udp?: boolean;
    tcp?: boolean;
    logger?: { error?: (e: unknown) => void; send?: unknown; recv?: unknown };
  }
  export interface SipStack {
    send(m: SipRequest | SipResponse, callback?: (rs: SipResponse) => void): void;
    destroy(): void;
    hostname(): string;
  }
  export function create(
    options: StackOptions,
    onRequest: (rq: SipRequest, remote: Remote) => void,
  ): SipStack;
  export function makeResponse(rq: SipRequest, status: number, reason?: string): SipResponse;
  export function parseUri(uri: string): SipUri;
  export function stringifyUri(uri: SipUri): string;
}

declare module 'sip/digest' {
  import type { SipRequest, SipResponse } from 'sip';
  export function signRequest(
    session: Record<string, unknown>,
    rq: SipRequest,
    rs?: SipResponse,
    credentials?: { user: string; password: string; realm?: string },
  ): unknown;
  export function challenge(ctx: Record<string, unknown>, rs: SipResponse): SipResponse;
  export function authenticateRequest(
    ctx: Record<string, unknown>,
    rq: SipRequest,
    creds: { user: string; password: string },
  ): boolean;
}
