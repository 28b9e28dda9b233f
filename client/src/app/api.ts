import type { z } from 'zod';
import { errorBodySchema, errorCodes, type ErrorCode } from '@giaoban/common/errors';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '@giaoban/scheduler/api/csrf';

/** A failed API call; `code` is a server error code or a client-side one. */
export type ClientErrorCode = ErrorCode | 'NETWORK' | 'UNKNOWN';

export class ApiError extends Error {
  readonly code: ClientErrorCode;
  readonly status: number;
  readonly details: unknown;
  constructor(code: ClientErrorCode, status = 0, details?: unknown) {
    super(code);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export function errorCodeOf(err: unknown): ClientErrorCode {
  if (err instanceof ApiError) return err.code;
  if (typeof err === 'object' && err && 'code' in err) {
    const code = (err as { code: unknown }).code;
    if (typeof code === 'string' && (errorCodes as string[]).includes(code))
      return code as ErrorCode;
  }
  return 'UNKNOWN';
}

let authToken: string | null = null;
let onUnauthenticated: (() => void) | null = null;

/** The auth store hands the session token here; every call then carries it. */
export function setApiToken(token: string | null) {
  authToken = token;
}
export function getApiToken() {
  return authToken;
}
export function onApiUnauthenticated(fn: (() => void) | null) {
  onUnauthenticated = fn;
}

interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  signal?: AbortSignal;
  /** Give up (NETWORK) after this long; the default suits GPRS. */
  timeoutMs?: number;
}

/**
 * A request with no answer after this long is reported as NETWORK, so the
 * screen says "cannot reach the server, check the link" instead of "loading"
 * forever: on 3G/GPRS a kept-alive connection that a carrier's NAT silently
 * dropped swallows a request until TCP gives up, minutes later. Generous
 * enough for the largest answer (the unit tree) at GPRS speed.
 */
export const API_TIMEOUT_MS = 45_000;

async function send(path: string, options: RequestOptions): Promise<Response> {
  // The CSRF header proves the call comes from the app (scheduler/src/http/csrfGuard.ts).
  const headers: Record<string, string> = {
    accept: 'application/json',
    [CSRF_HEADER]: CSRF_HEADER_VALUE,
  };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (authToken) headers.authorization = `Bearer ${authToken}`;
  // The caller's signal (a screen leaving) and our timeout abort the same request;
  // AbortSignal.any/timeout are too new for the Chrome 87 this build targets.
  const ctrl = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
  }, options.timeoutMs ?? API_TIMEOUT_MS);
  const onCallerAbort = () => ctrl.abort();
  if (options.signal?.aborted) ctrl.abort();
  options.signal?.addEventListener('abort', onCallerAbort);
  let res: Response;
  try {
    res = await fetch(path, {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: ctrl.signal,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (!timedOut && err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError('NETWORK');
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onCallerAbort);
  }
  if (!res.ok) {
    const body: unknown = await res.json().catch(() => null);
    const parsed = errorBodySchema.safeParse(
      body && typeof body === 'object' && 'error' in body ? body.error : null,
    );
    const code: ClientErrorCode = parsed.success ? parsed.data.code : 'UNKNOWN';
    if (code === 'UNAUTHENTICATED' && authToken) onUnauthenticated?.();
    throw new ApiError(code, res.status, parsed.success ? parsed.data.details : undefined);
  }
  return res;
}

/**
 * Calls the REST API and validates the answer with the scheduler's own zod
 * contract, so a drift between server and client fails loudly here.
 */
export async function api<S extends z.ZodType>(
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.infer<S>> {
  const res = await send(path, options);
  const body: unknown = res.status === 204 ? undefined : await res.json();
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    console.error('API answer does not match its contract', path, parsed.error.issues);
    throw new ApiError('UNKNOWN', res.status, parsed.error.issues);
  }
  return parsed.data;
}

/** A raw call for non-JSON answers (CSV, iCal). */
export async function apiRaw(path: string, options: RequestOptions = {}): Promise<Response> {
  return send(path, options);
}
