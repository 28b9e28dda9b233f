import { AppError } from '@giaoban/common/errors';
import type { SessionClaims } from '@giaoban/common/session';
import type { CreateAccountRequest } from '../api/auth';
import type { OrgTree } from '../orgTree/orgTree';
import type { AccountStore, StoredAccount } from './accountStore';
import { DEMO_PASSWORD, decoyHash, hashPassword, verifyPassword } from './passwords';

/** Login, password change and account creation on top of the store. */
export class AccountService {
  readonly #store: AccountStore;
  readonly #tree: OrgTree;

  constructor(store: AccountStore, tree: OrgTree) {
    this.#store = store;
    this.#tree = tree;
  }

  get store(): AccountStore {
    return this.#store;
  }

  /** The account, or INVALID_CREDENTIALS (same answer and timing for unknown users). */
  async authenticate(username: string, password: string): Promise<StoredAccount> {
    const account = await this.#store.byUsername(username);
    const ok = await verifyPassword(account?.passwordHash ?? (await decoyHash()), password);
    if (!account || !ok) throw new AppError('INVALID_CREDENTIALS');
    return account;
  }

  async changePassword(accountId: string, oldPassword: string, newPassword: string): Promise<void> {
    const account = await this.#store.get(accountId);
    if (!account) throw new AppError('UNAUTHENTICATED');
    if (!(await verifyPassword(account.passwordHash, oldPassword))) {
      throw new AppError('INVALID_CREDENTIALS');
    }
    if (newPassword === DEMO_PASSWORD) throw new AppError('DEMO_PASSWORD');
    // Keeping the password an administrator chose would defeat the forced change.
    if (newPassword === oldPassword) throw new AppError('PASSWORD_REUSED');
    await this.#store.setPassword(accountId, await hashPassword(newPassword), {
      demoPassword: false,
      mustChangePassword: false,
    });
  }

  /**
   * An admin sets a new password for another account (forgotten password):
   * every session of that account ends (the epoch moves), and the account must
   * change it at its next sign-in, since the admin (and whoever carried the
   * password to the commune) knows it. One's own password goes through
   * changePassword, which asks for the old one.
   */
  async resetPassword(
    actor: SessionClaims,
    accountId: string,
    newPassword: string,
  ): Promise<StoredAccount> {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN');
    if (actor.accountId === accountId)
      throw new AppError('BAD_REQUEST', [
        { path: 'id', message: 'change your own password with the old one' },
      ]);
    if (!(await this.#store.get(accountId))) throw new AppError('NOT_FOUND');
    if (newPassword === DEMO_PASSWORD) throw new AppError('DEMO_PASSWORD');
    await this.#store.setPassword(accountId, await hashPassword(newPassword), {
      demoPassword: false,
      mustChangePassword: true,
    });
    return (await this.#store.get(accountId)) as StoredAccount;
  }

  /**
   * Admins create accounts in any unit, and the new account must change the
   * first password the admin chose for it; the CLI passes no actor (the first
   * admin sets their own password there, nothing to force).
   */
  async create(request: CreateAccountRequest, actor?: SessionClaims): Promise<StoredAccount> {
    if (actor && actor.role !== 'admin') throw new AppError('FORBIDDEN');
    if (!this.#tree.get(request.unitId)) {
      throw new AppError('BAD_REQUEST', [{ path: 'unitId', message: 'unknown unit' }]);
    }
    if (request.password === DEMO_PASSWORD) throw new AppError('DEMO_PASSWORD');
    return this.#store.create({
      username: request.username,
      displayName: request.displayName,
      unitId: request.unitId,
      role: request.role,
      passwordHash: await hashPassword(request.password),
      demoPassword: false,
      mustChangePassword: actor !== undefined,
    });
  }
}
