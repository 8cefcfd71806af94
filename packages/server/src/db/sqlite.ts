import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { GroupCommitter } from './group-commit.js';
import { migrate } from './migrate.js';
import type { DB } from './schema.js';

/**
 * Opens (creating if needed) the embedded SQLite database in `dataDir` and brings its schema up
 * to date. WAL with synchronous=FULL: a commit is on disk before it is acknowledged, so an
 * acknowledged decision survives kill -9 and power loss. One connection: writers serialize.
 */
export async function openSqlite(dataDir: string, opts: { groupCommit?: boolean } = {}): Promise<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const sqlite = new SQLite(join(dataDir, 'bursar.db'));
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  cacheStatements(sqlite);
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  const appliedMigrations = await migrate(db, 'sqlite');
  const group = opts.groupCommit ? new GroupCommitter(db) : null;
  return {
    kind: 'sqlite',
    db,
    appliedMigrations,
    transact: group ? (fn) => group.run(fn) : (fn) => db.transaction().execute(fn),
    onKeyRevoked: () => {},
    close: () => db.destroy(),
  };
}

/**
 * Kysely prepares every query anew; the same few dozen SQL texts repeat on every request, so
 * keep their prepared statements (bounded; a statement is only ever run synchronously).
 */
function cacheStatements(sqlite: SQLite.Database, max = 2_000): void {
  const prepare = sqlite.prepare.bind(sqlite);
  const cache = new Map<string, SQLite.Statement>();
  sqlite.prepare = ((source: string) => {
    let stmt = cache.get(source);
    if (!stmt) {
      if (cache.size >= max) cache.clear();
      stmt = prepare(source);
      cache.set(source, stmt);
    }
    return stmt;
  }) as typeof sqlite.prepare;
}
