import { hash, verify } from '@node-rs/argon2';

/** The public demo password: exists only in the demo seed, refused everywhere else. */
export const DEMO_PASSWORD = 'GiaoBan@2026';

/** argon2id with the library defaults (19 MiB, t=2): ~30 ms, acceptable per login. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash never authenticates
  }
}

/**
 * A hash of a password nobody knows, verified against when the username does
 * not exist so that a failed login takes the same time either way.
 */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hash(`decoy-${Math.random()}-${Date.now()}`);
  return decoy;
}
