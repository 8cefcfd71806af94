import { Migrator, sql, type Kysely } from 'kysely';
import type { DatabaseKind } from './database.js';
import { migrationProvider } from './migrations/index.js';
import type { DB } from './schema.js';

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<DB>, kind: DatabaseKind): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider(kind) });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(error)}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Key of the session advisory lock that serializes migrations and first-start provisioning. */
export const SETUP_LOCK = 0x42555253; // "BURS"

/** Runs `fn` while holding the setup lock, so processes starting together take turns. */
export async function withSetupLock<T>(db: Kysely<DB>, kind: DatabaseKind, fn: () => Promise<T>): Promise<T> {
  if (kind !== 'postgres') return fn();
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(${SETUP_LOCK})`.execute(conn);
    try {
      return await fn();
    } finally {
      await sql`select pg_advisory_unlock(${SETUP_LOCK})`.execute(conn);
    }
  });
}
