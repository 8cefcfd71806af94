import type { Executor } from '../db/database.js';
import { idempotencyReadByBatch } from '../db/decision-batch.js';
import { insertRow, insertWrite, query, type Write } from '../db/prepared.js';
import type { IdempotencyRow } from './rows.js';

export async function getIdempotency(db: Executor, scope: string, key: string): Promise<IdempotencyRow | undefined> {
  // A decision batch read it under its lock already (see DecisionBatcher).
  const read = idempotencyReadByBatch(db, scope, key);
  if (read !== null) return read;
  return (await query<IdempotencyRow>(db, 'select * from "idempotency_keys" where "scope" = ? and "key" = ?', [scope, key]))[0];
}

export async function deleteIdempotency(db: Executor, scope: string, key: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
}

export async function insertIdempotency(db: Executor, row: IdempotencyRow): Promise<void> {
  await insertRow(db, 'idempotency_keys', row);
}

/** The insert of an idempotency record, for a batch of writes. */
export function idempotencyInsert(row: IdempotencyRow): Write {
  return insertWrite('idempotency_keys', row);
}

export async function purgeIdempotency(db: Executor, now: number): Promise<number> {
  const r = await db.deleteFrom('idempotency_keys').where('expires_at', '<=', now).executeTakeFirst();
  return Number(r.numDeletedRows);
}
