import { sql } from 'kysely';
import type { Database, Executor } from '../db/database.js';

const FINGERPRINT = 'encryption_key_fingerprint';

/** The fingerprint of the key that encrypts this database's secrets, if one was recorded. */
export async function getKeyFingerprint(db: Executor): Promise<string | undefined> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', FINGERPRINT).executeTakeFirst();
  return row?.value;
}

export async function setKeyFingerprint(db: Executor, value: string): Promise<void> {
  await db.insertInto('kv').values({ key: FINGERPRINT, value }).execute();
}

/**
 * Runs `fn`, which overwrites secrets and answers how many it replaced, so that on SQLite the
 * replaced values leave no copy in the database file: freed space is zeroed (secure_delete), and
 * the write-ahead log, which still holds the old pages, is checkpointed and truncated.
 * PostgreSQL keeps old row versions until vacuum, and in its own log; the documentation says so.
 */
export async function scrubbingReplacedValues(db: Database, fn: () => Promise<number>): Promise<number> {
  if (db.kind !== 'sqlite') return fn();
  const before = (await sql<{ secure_delete: number }>`pragma secure_delete`.execute(db.db)).rows[0]?.secure_delete ?? 0;
  await sql`pragma secure_delete = 1`.execute(db.db);
  try {
    const replaced = await fn();
    if (replaced > 0) await sql`pragma wal_checkpoint(truncate)`.execute(db.db);
    return replaced;
  } finally {
    await sql.raw(`pragma secure_delete = ${before === 1 ? 1 : 0}`).execute(db.db);
  }
}
