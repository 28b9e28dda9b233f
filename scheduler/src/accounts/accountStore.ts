import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Role } from '@giaoban/common/session';
import { AppError } from '@giaoban/common/errors';
import type { Account } from '../api/auth';

const ACCOUNTS_KEY = 'gb:accounts';
const BY_USERNAME_KEY = 'gb:accounts:byUsername';
const CREATE_SCRIPT = `
for i = 1, #ARGV, 3 do
  if redis.call('HEXISTS', KEYS[1], ARGV[i]) == 1 then return 0 end
end
for i = 1, #ARGV, 3 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i + 1], ARGV[i + 2])
end
return 1`;

/** What is stored per account; the hash never leaves the scheduler. */
export interface StoredAccount extends Omit<Account, 'mustChangePassword'> {
  passwordHash: string;
  /** Absent on records written before the mark existed: read as false. */
  mustChangePassword?: boolean;
  /** Bumped on password change: tokens issued before are refused. */
  sessionEpoch: number;
  createdAt: string;
}

export interface NewAccount {
  username: string;
  displayName: string;
  unitId: string;
  role: Role;
  passwordHash: string;
  demoPassword: boolean;
  /** Set when an administrator chose the password for someone else. */
  mustChangePassword?: boolean;
}

export function publicAccount(a: StoredAccount): Account {
  return {
    id: a.id,
    username: a.username,
    displayName: a.displayName,
    unitId: a.unitId,
    role: a.role,
    demoPassword: a.demoPassword,
    mustChangePassword: a.mustChangePassword ?? false,
  };
}

/** Accounts in Redis: one hash of JSON records by id, one username → id index. */
export class AccountStore {
  readonly #redis: Redis;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async get(id: string): Promise<StoredAccount | undefined> {
    const raw = await this.#redis.hget(ACCOUNTS_KEY, id);
    return raw ? (JSON.parse(raw) as StoredAccount) : undefined;
  }

  async byUsername(username: string): Promise<StoredAccount | undefined> {
    const id = await this.#redis.hget(BY_USERNAME_KEY, username.toLowerCase());
    return id ? this.get(id) : undefined;
  }

  async all(): Promise<StoredAccount[]> {
    const raws = await this.#redis.hvals(ACCOUNTS_KEY);
    return raws
      .map((r) => JSON.parse(r) as StoredAccount)
      .sort((a, b) => a.username.localeCompare(b.username));
  }

  async count(): Promise<number> {
    return this.#redis.hlen(ACCOUNTS_KEY);
  }

  /** Creates accounts atomically; CONFLICT (and nothing written) if any username is taken. */
  async createMany(accounts: NewAccount[]): Promise<StoredAccount[]> {
    const now = new Date().toISOString();
    const records: StoredAccount[] = accounts.map((a) => ({
      ...a,
      username: a.username.toLowerCase(),
      id: randomUUID(),
      sessionEpoch: 0,
      createdAt: now,
    }));
    const usernames = records.map((r) => r.username);
    if (new Set(usernames).size !== usernames.length) throw new AppError('CONFLICT');
    // One Lua script checks every username and writes every record, so a concurrent
    // create of the same username cannot slip in between and nothing is half-written.
    const ok = (await this.#redis.eval(
      CREATE_SCRIPT,
      2,
      BY_USERNAME_KEY,
      ACCOUNTS_KEY,
      ...records.flatMap((r) => [r.username, r.id, JSON.stringify(r)]),
    )) as number;
    if (ok !== 1) throw new AppError('CONFLICT', { reason: 'username taken' });
    return records;
  }

  async create(account: NewAccount): Promise<StoredAccount> {
    const [created] = await this.createMany([account]);
    return created as StoredAccount;
  }

  /** New hash and marks; every session of the account ends (the epoch moves). */
  async setPassword(
    id: string,
    passwordHash: string,
    marks: { demoPassword: boolean; mustChangePassword: boolean },
  ): Promise<void> {
    const account = await this.get(id);
    if (!account) throw new AppError('NOT_FOUND');
    const updated: StoredAccount = {
      ...account,
      passwordHash,
      demoPassword: marks.demoPassword,
      mustChangePassword: marks.mustChangePassword,
      sessionEpoch: account.sessionEpoch + 1,
    };
    await this.#redis.hset(ACCOUNTS_KEY, id, JSON.stringify(updated));
  }

  async anyDemoPassword(): Promise<string[]> {
    return (await this.all()).filter((a) => a.demoPassword).map((a) => a.username);
  }
}
