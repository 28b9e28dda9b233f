import type { RequestHandler } from 'express';
import { AppError } from '@giaoban/common/errors';
import { SESSION_COOKIE } from '../api/auth';
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../api/csrf';
import { SESSION_HINT_COOKIE } from '../api/sessionHint';

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request authenticated by the session cookie unless
 * it carries `X-GiaoBan-CSRF: 1` and the browser does not call it cross-site
 * (`Sec-Fetch-Site`). A bearer token is never sent by a browser on its own, so
 * such calls (the app, scripts) pass; so does a call without the cookie,
 * which has no session to abuse.
 */
export function csrfGuard(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE.has(req.method)) return next();
    if (req.headers.authorization?.startsWith('Bearer ')) return next();
    const cookies = (req as { cookies?: Record<string, unknown> }).cookies ?? {};
    if (cookies[SESSION_COOKIE] === undefined && cookies[SESSION_HINT_COOKIE] === undefined)
      return next();
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site' || site === 'same-site')
      throw new AppError('FORBIDDEN', { reason: 'csrf', secFetchSite: site });
    if (req.get(CSRF_HEADER) !== CSRF_HEADER_VALUE)
      throw new AppError('FORBIDDEN', { reason: 'csrf', missing: CSRF_HEADER });
    next();
  };
}
