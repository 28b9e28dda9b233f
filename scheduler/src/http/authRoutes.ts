import express, { type Request, type Router, type Response } from 'express';
import { AppError, parseOrThrow } from '@giaoban/common/errors';
import {
  SESSION_COOKIE,
  changePasswordRequestSchema,
  createAccountRequestSchema,
  loginRequestSchema,
  resetPasswordRequestSchema,
  type AccountResponse,
  type AccountsResponse,
  type LoginResponse,
  type MeResponse,
  type SessionResponse,
} from '../api/auth';
import { SESSION_HINT_COOKIE } from '../api/sessionHint';
import { publicAccount, type StoredAccount } from '../accounts/accountStore';
import type { AccountService } from '../accounts/accountService';
import type { AuditLog } from '../audit/auditLog';
import type { LoginLimiter } from '../auth/loginLimiter';
import { requestToken, requireRole, requireSession, sessionOf } from '../auth/middleware';
import type { SessionTokens } from '../auth/tokens';

export interface AuthRoutesDeps {
  accounts: AccountService;
  tokens: SessionTokens;
  limiter: LoginLimiter;
  audit: AuditLog;
  /** Whether the session cookies of this request get `Secure` (HTTPS, directly or via a trusted proxy). */
  secureCookie: (req: Request) => boolean;
}

/** /auth/* and /accounts: login, logout, me, session probe, password change, admin account list/create/reset. */
export function authRoutes(deps: AuthRoutesDeps): Router {
  const { accounts, tokens, limiter, audit } = deps;
  const router = express.Router();
  const auth = requireSession(tokens);
  // The few routes an account may use while it must change an admin-set password.
  const authForPasswordChange = requireSession({
    verify: (token) => tokens.verifyAllowingPasswordChange(token),
  });

  /** Issues a session token for the account: httpOnly cookie plus the token in the body. */
  const startSession = async (req: Request, res: Response, account: StoredAccount) => {
    const { token, expiresAt } = await tokens.issue(account);
    const secure = deps.secureCookie(req);
    res.cookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'strict',
      secure,
      path: '/',
      expires: expiresAt,
    });
    // Readable, no secret: tells the app a session may exist (see api/sessionHint.ts).
    res.cookie(SESSION_HINT_COOKIE, '1', {
      sameSite: 'strict',
      secure,
      path: '/',
      expires: expiresAt,
    });
    const out: LoginResponse = {
      token,
      expiresAt: expiresAt.toISOString(),
      account: publicAccount(account),
    };
    res.json(out);
  };

  router.post('/auth/login', async (req, res) => {
    const body = parseOrThrow(loginRequestSchema, req.body);
    // Counted before the password is checked: parallel guesses cannot outrun the count.
    const attempt = await limiter.attempt(req.ip ?? 'unknown', body.username.toLowerCase());
    const account = await accounts.authenticate(body.username, body.password);
    await limiter.succeeded(attempt);
    await startSession(req, res, account);
  });

  const forgetSession = (res: Response) => {
    res.clearCookie(SESSION_COOKIE, { path: '/' });
    res.clearCookie(SESSION_HINT_COOKIE, { path: '/' });
  };

  router.post('/auth/logout', async (req, res) => {
    const token = requestToken(req);
    if (token) await tokens.revoke(token).catch(() => undefined); // already invalid: nothing to revoke
    forgetSession(res);
    res.status(204).end();
  });

  router.get('/auth/me', authForPasswordChange, async (req, res) => {
    const account = await accounts.store.get(sessionOf(req).accountId);
    const token = requestToken(req) as string;
    if (!account) throw new Error('verified session without account');
    const out: MeResponse = { account: publicAccount(account), token };
    res.json(out);
  });

  router.get('/auth/session', async (req, res) => {
    const anonymous: SessionResponse = { authenticated: false };
    const token = requestToken(req);
    if (!token) return void res.json(anonymous);
    let claims;
    try {
      claims = await tokens.verifyAllowingPasswordChange(token);
    } catch (err) {
      // Expired or revoked: forget the cookie; anything else (Redis down) is a real error.
      if (!(err instanceof AppError) || err.code !== 'UNAUTHENTICATED') throw err;
      forgetSession(res);
      return void res.json(anonymous);
    }
    const account = await accounts.store.get(claims.accountId);
    if (!account) return void res.json(anonymous);
    const out: SessionResponse = { authenticated: true, account: publicAccount(account), token };
    res.json(out);
  });

  router.post('/auth/password', authForPasswordChange, async (req, res) => {
    const body = parseOrThrow(changePasswordRequestSchema, req.body);
    const session = sessionOf(req);
    const required = (await accounts.store.get(session.accountId))?.mustChangePassword ?? false;
    await accounts.changePassword(session.accountId, body.oldPassword, body.newPassword);
    // `required`: the change an admin-set password forced (the mark is now cleared).
    await audit.record(session, 'account.passwordChange', session.accountId, { required });
    // Every older token is now void; hand the caller a fresh one.
    const account = await accounts.store.get(session.accountId);
    if (!account) throw new Error('account vanished');
    await tokens.endOlderSessions(account, 'passwordChanged');
    await startSession(req, res, account);
  });

  router.get('/accounts', auth, requireRole('admin'), async (_req, res) => {
    const out: AccountsResponse = { accounts: (await accounts.store.all()).map(publicAccount) };
    res.json(out);
  });

  router.post('/accounts', auth, requireRole('admin'), async (req, res) => {
    const body = parseOrThrow(createAccountRequestSchema, req.body);
    const session = sessionOf(req);
    const created = await accounts.create(body, session);
    await audit.record(session, 'account.create', created.id, {
      username: created.username,
      role: created.role,
      unitId: created.unitId,
      mustChangePassword: created.mustChangePassword ?? false,
    });
    res.status(201).json({ account: publicAccount(created) });
  });

  router.post('/accounts/:id/password', auth, requireRole('admin'), async (req, res) => {
    const body = parseOrThrow(resetPasswordRequestSchema, req.body);
    const session = sessionOf(req);
    const account = await accounts.resetPassword(
      session,
      req.params.id as string,
      body.newPassword,
    );
    await tokens.endOlderSessions(account, 'passwordReset');
    await audit.record(session, 'account.passwordReset', account.id, {
      username: account.username,
      mustChangePassword: true,
    });
    const out: AccountResponse = { account: publicAccount(account) };
    res.json(out);
  });

  return router;
}
