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

/** Retires every active key; it stays published until `until`. */
export async function retireSigningKeys(db: Executor, until: number): Promise<void> {
  await db.updateTable('signing_keys').set({ retire_after: until }).where('retire_after', 'is', null).execute();
}
