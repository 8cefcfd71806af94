import { existsSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import type { DatabaseKind } from './database.js';
import { moneyTypes } from './postgres.js';
import type { DB } from './schema.js';

/** A database opened to be looked at: never migrated, never written (SQLite read-only; one small pool on PostgreSQL). */
export interface Inspection {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  close(): Promise<void>;
}

/**
 * Opens PostgreSQL at `url`, or else `<dataDir>/bursar.db`, without applying migrations: a
 * doctor run by a newer `bursar` must report pending migrations, not apply them under a
 * running server. Money columns come back as numbers, as from the server's own pool.
 */
export function openForInspection(target: { databaseUrl?: string | undefined; dataDir: string }): Inspection {
  if (target.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: target.databaseUrl,
      max: 2,
      connectionTimeoutMillis: 10_000,
      types: moneyTypes,
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { kind: 'postgres', db, close: () => db.destroy() };
  }
  const file = join(target.dataDir, 'bursar.db');
  if (!existsSync(file)) throw new Error(`no Bursar database at ${file}`);
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { kind: 'sqlite', db, close: () => db.destroy() };
}
