import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type Transaction } from 'kysely';
import { migrationProvider } from './migrations.js';
import type { DB } from './schema.js';

/** A query executor: the database itself or a transaction on it. */
export type Executor = Kysely<DB> | Transaction<DB>;
export type Tx = Transaction<DB>;

/** The store's handle on a database: queries, transactions, and closing. */
export interface Database {
  readonly kind: 'sqlite';
  readonly db: Kysely<DB>;
  /** Runs `fn` in one transaction; everything it writes commits together or not at all. */
  transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the embedded SQLite database in `dataDir` and brings its schema up
 * to date. WAL with synchronous=FULL: a commit is on disk before it is acknowledged, so an
 * acknowledged decision survives kill -9 and power loss.
 */
export async function openSqlite(dataDir: string): Promise<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(join(dataDir, 'bursar.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  await migrate(db);
  return {
    kind: 'sqlite',
    db,
    transact: (fn) => db.transaction().execute(fn),
    close: () => db.destroy(),
  };
}

/** Applies every pending migration; throws with the failing migration's name. */
export async function migrate(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Migration ${failed} failed: ${String(error)}`);
  }
  return (results ?? []).map((r) => r.migrationName);
}
