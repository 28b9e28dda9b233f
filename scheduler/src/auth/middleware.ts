import type { Request, RequestHandler } from 'express';
import { AppError } from '@giaoban/common/errors';
import type { Role, SessionClaims } from '@giaoban/common/session';
import { SESSION_COOKIE } from '../api/auth';
import type { SessionVerifier } from '@giaoban/common/ports';

/** The token of a REST request: the httpOnly cookie, or `Authorization: Bearer`. */
export function requestToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (header?.startsWith('Bearer ')) return header.slice(7).trim() || undefined;
  const cookies = (req as Request & { cookies?: Record<string, unknown> }).cookies;
  const cookie = cookies?.[SESSION_COOKIE];
  return typeof cookie === 'string' && cookie ? cookie : undefined;
}

/** The verified session of a request; only valid after requireSession ran. */
export function sessionOf(req: Request): SessionClaims {
  const session = (req as Request & { session?: SessionClaims }).session;
  if (!session) throw new AppError('UNAUTHENTICATED');
  return session;
}

export function requireSession(verifier: SessionVerifier): RequestHandler {
  return async (req, _res, next) => {
    const token = requestToken(req);
    if (!token) throw new AppError('UNAUTHENTICATED');
    (req as Request & { session?: SessionClaims }).session = await verifier.verify(token);
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!roles.includes(sessionOf(req).role)) throw new AppError('FORBIDDEN');
    next();
  };
}
