import type { Executor } from '../db/database.js';
import type { IdempotencyRow } from './rows.js';

export async function getIdempotency(db: Executor, scope: string, key: string): Promise<IdempotencyRow | undefined> {
  return db.selectFrom('idempotency_keys').selectAll().where('scope', '=', scope).where('key', '=', key).executeTakeFirst();
}

export async function deleteIdempotency(db: Executor, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}

export async function insertIdempotency(db: Executor, row: IdempotencyRow): Promise<void> {
  await db.insertInto('idempotency_keys').values(row).execute();
}

export async function purgeIdempotency(db: Executor, now: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
