import type { Executor } from '../db/database.js';
import { insertRow, query } from '../db/prepared.js';
import type { IdempotencyRow } from './rows.js';

export async function getIdempotency(db: Executor, scope: string, key: string): Promise<IdempotencyRow | undefined> {
  return (await query<IdempotencyRow>(db, 'select * from "idempotency_keys" where "scope" = ? and "key" = ?', [scope, key]))[0];
}

export async function deleteIdempotency(db: Executor, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}

export async function insertIdempotency(db: Executor, row: IdempotencyRow): Promise<void> {
  await insertRow(db, 'idempotency_keys', row);
}

export async function purgeIdempotency(db: Executor, now: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
