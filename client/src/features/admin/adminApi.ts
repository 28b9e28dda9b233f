import {
  accountResponseSchema,
  accountsResponseSchema,
  type Account,
  type CreateAccountRequest,
} from '@giaoban/scheduler/api/auth';
import {
  unitPhonesSchema,
  type UnitPhones,
  type UpdateUnitPhonesRequest,
} from '@giaoban/scheduler/api/phone';
import { api } from '../../app/api';

/** The admin's account tools (GET/POST /api/accounts, POST /api/accounts/:id/password). */
export async function listAccounts(): Promise<Account[]> {
  return (await api('/api/accounts', accountsResponseSchema)).accounts;
}

export async function createAccount(body: CreateAccountRequest): Promise<Account> {
  return (await api('/api/accounts', accountResponseSchema, { method: 'POST', body })).account;
}

export async function resetPassword(accountId: string, newPassword: string): Promise<Account> {
  const path = `/api/accounts/${encodeURIComponent(accountId)}/password`;
  return (await api(path, accountResponseSchema, { method: 'POST', body: { newPassword } }))
    .account;
}

const alphabet = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/**
 * A password the admin can read out over the phone: 12 characters without
 * look-alikes (l/1, O/0), from the browser's CSPRNG.
 */
export function generatePassword(length = 12): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join('');
}

/** A unit's phone numbers and alert-SMS delay (GET/PUT /api/units/:id/phones). */
export async function getUnitPhones(unitId: string): Promise<UnitPhones> {
  return api(`/api/units/${encodeURIComponent(unitId)}/phones`, unitPhonesSchema);
}

export async function saveUnitPhones(
  unitId: string,
  body: UpdateUnitPhonesRequest,
): Promise<UnitPhones> {
  return api(`/api/units/${encodeURIComponent(unitId)}/phones`, unitPhonesSchema, {
    method: 'PUT',
    body,
  });
}
