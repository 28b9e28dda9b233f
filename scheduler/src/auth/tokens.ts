import { randomBytes, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { AppError } from '@giaoban/common/errors';
import type { SessionVerifier } from '@giaoban/common/ports';
import { sessionClaimsSchema, type SessionClaims } from '@giaoban/common/session';
import type { AccountStore, StoredAccount } from '../accounts/accountStore';
import { SESSIONS_ENDED_CHANNEL, type SessionsEnded } from '@giaoban/common/sessionsEnded';

const SECRET_KEY = 'gb:secret:jwt';
const REVOKED_PREFIX = 'gb:jwt:revoked:';
const ISSUER = 'giaoban';

/**
 * The JWT signing secret: JWT_SECRET when set; otherwise generated once and kept
 * in Redis, so every scheduler/signaling process of a cluster shares it and
 * sessions survive a restart.
 */
export async function loadJwtSecret(redis: Redis, fromEnv?: string): Promise<Uint8Array> {
  if (fromEnv) return new TextEncoder().encode(fromEnv);
  await redis.set(SECRET_KEY, randomBytes(48).toString('base64url'), 'NX');
  const secret = await redis.get(SECRET_KEY);
  if (!secret) throw new Error('JWT secret missing from Redis');
  return new TextEncoder().encode(secret);
}

export interface IssuedToken {
  token: string;
  expiresAt: Date;
}

/** Issues and verifies session tokens (HS256) and revokes them at logout. */
export class SessionTokens implements SessionVerifier {
  readonly #secret: Uint8Array;
  readonly #redis: Redis;
  readonly #accounts: AccountStore;
  readonly #ttlSeconds: number;

  constructor(secret: Uint8Array, redis: Redis, accounts: AccountStore, ttlSeconds: number) {
    this.#secret = secret;
    this.#redis = redis;
    this.#accounts = accounts;
    this.#ttlSeconds = ttlSeconds;
  }

  /** `extra.via`: a session the phone role asked for a caller's PIN (always a member's rights). */
  async issue(account: StoredAccount, extra: { via?: 'phone' } = {}): Promise<IssuedToken> {
    const claims: SessionClaims = {
      ...extra,
      accountId: account.id,
      username: account.username,
      displayName: account.displayName,
      unitId: account.unitId,
      role: account.role,
    };
    const expiresAt = new Date(Date.now() + this.#ttlSeconds * 1000);
    const token = await new SignJWT({ ...claims, ep: account.sessionEpoch })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(ISSUER)
      .setSubject(account.id)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.#secret);
    return { token, expiresAt };
  }

  /**
   * The session of a token, for every REST route and the signaling handshake.
   * An account whose password an administrator set gets PASSWORD_CHANGE_REQUIRED
   * here, so nothing but the routes that use verifyAllowingPasswordChange works
   * until it has chosen its own password.
   */
  async verify(token: string): Promise<SessionClaims> {
    const { claims, account } = await this.#check(token);
    if (account.mustChangePassword) throw new AppError('PASSWORD_CHANGE_REQUIRED');
    return claims;
  }

  /** The session even while the password must be changed: the change itself, me, the session probe. */
  async verifyAllowingPasswordChange(token: string): Promise<SessionClaims> {
    const { claims } = await this.#check(token);
    return claims;
  }

  /** Revokes one token until it would have expired anyway, and ends its live sockets. */
  async revoke(token: string): Promise<void> {
    const { jti, exp, claims } = await this.#check(token);
    const ttl = Math.max(1, exp - Math.floor(Date.now() / 1000));
    await this.#redis.set(REVOKED_PREFIX + jti, '1', 'EX', ttl);
    await this.#publish({ accountId: claims.accountId, sessionId: jti, reason: 'logout' });
  }

  /**
   * The account's password changed (the epoch moved): every live socket of an
   * older session is dropped, on every signaling node.
   */
  async endOlderSessions(
    account: StoredAccount,
    reason: 'passwordChanged' | 'passwordReset',
  ): Promise<void> {
    await this.#publish({ accountId: account.id, beforeEpoch: account.sessionEpoch, reason });
  }

  async #publish(ended: SessionsEnded): Promise<void> {
    await this.#redis.publish(SESSIONS_ENDED_CHANNEL, JSON.stringify(ended));
  }

  async #check(
    token: string,
  ): Promise<{ claims: SessionClaims; account: StoredAccount; jti: string; exp: number }> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.#secret, {
        issuer: ISSUER,
        algorithms: ['HS256'],
      }));
    } catch (err) {
      if (err instanceof joseErrors.JOSEError) throw new AppError('UNAUTHENTICATED');
      throw err;
    }
    const parsed = sessionClaimsSchema.safeParse(payload);
    const jti = payload.jti;
    const exp = payload.exp;
    if (!parsed.success || typeof jti !== 'string' || typeof exp !== 'number') {
      throw new AppError('UNAUTHENTICATED');
    }
    const [revoked, account] = await Promise.all([
      this.#redis.exists(REVOKED_PREFIX + jti),
      this.#accounts.get(parsed.data.accountId),
    ]);
    // A password change bumps the epoch: older tokens stop working everywhere.
    if (revoked || !account || account.sessionEpoch !== payload.ep) {
      throw new AppError('UNAUTHENTICATED');
    }
    // Role and unit come from the store, so an admin's change applies at once.
    return {
      claims: {
        ...parsed.data,
        role: parsed.data.via === 'phone' ? 'member' : account.role,
        unitId: account.unitId,
        sessionId: jti,
        epoch: account.sessionEpoch,
      },
      account,
      jti,
      exp,
    };
  }
}
