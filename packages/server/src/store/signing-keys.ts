import { SEALED_PREFIX } from '../crypto/encryption.js';
import type { Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';

export type SigningKeyRow = DB['signing_keys'];

/** Keys still published: the active one and retired ones whose tokens may not have expired. */
export async function activeSigningKeys(db: Executor, now: number): Promise<SigningKeyRow[]> {
  return db
    .selectFrom('signing_keys')
    .selectAll()
    .where((eb) => eb.or([eb('retire_after', 'is', null), eb('retire_after', '>', now)]))
    .execute();
}

export async function insertSigningKey(db: Executor, row: SigningKeyRow): Promise<void> {
  await db.insertInto('signing_keys').values(row).execute();
}

/**
 * Retires every active key that signs, but `kid`; each stays published until `until`. A key
 * another rotation has written and not yet activated is left to it (two rotations at once then
 * leave one key active, the one activated last). Returns the keys it retired.
 */
export async function retireSigningKeysBut(db: Executor, kid: string, until: number): Promise<string[]> {
  const rows = await db.updateTable('signing_keys').set({ retire_after: until })
    .where('retire_after', 'is', null).where('signs_from', 'is not', null).where('kid', '!=', kid)
    .returning('kid').execute();
  return rows.map((r) => r.kid);
}

/** Keeps keys `kids` published until `until`. */
export async function extendRetirement(db: Executor, kids: readonly string[], until: number): Promise<void> {
  if (kids.length > 0) await db.updateTable('signing_keys').set({ retire_after: until }).where('kid', 'in', kids).execute();
}

/** Sets when a key published by a rotation starts to sign. */
export async function activateSigningKey(db: Executor, kid: string, signsFrom: number): Promise<void> {
  await db.updateTable('signing_keys').set({ signs_from: signsFrom }).where('kid', '=', kid).execute();
}

/** Keys, retired ones too, whose private key is not yet sealed (written before keys were sealed). */
export async function signingKeysWithUnsealedPrivateKeys(db: Executor): Promise<Pick<SigningKeyRow, 'kid' | 'private_key'>[]> {
  return db.selectFrom('signing_keys').select(['kid', 'private_key']).where('private_key', 'not like', `${SEALED_PREFIX}%`).execute();
}

export async function setSigningPrivateKey(db: Executor, kid: string, privateKey: string): Promise<void> {
  await db.updateTable('signing_keys').set({ private_key: privateKey }).where('kid', '=', kid).execute();
}
