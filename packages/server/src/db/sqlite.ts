import { closeSync, fsync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { Database } from './database.js';
import { GroupCommitter } from './group-commit.js';
import { migrate } from './migrate.js';
import type { DB } from './schema.js';

/**
 * Opens (creating if needed) the embedded SQLite database in `dataDir` and brings its schema up
 * to date. WAL, and a commit is on disk before it is acknowledged, so an acknowledged decision
 * survives kill -9 and power loss. One connection: writers serialize.
 *
 * Without group commit that is `synchronous=FULL` (SQLite fsyncs the log in every commit, on the
 * event loop). With it, transactions commit with `synchronous=NORMAL` and the group committer
 * fsyncs the log itself on the thread pool before it answers anyone: the same guarantee for
 * every transaction it runs, without stalling the event loop. (Writes made outside `transact`,
 * such as a key's last-used time, reach the disk with the next fsync or checkpoint.)
 */
export async function openSqlite(dataDir: string, opts: { groupCommit?: boolean } = {}): Promise<Database> {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'bursar.db');
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma(opts.groupCommit ? 'synchronous = NORMAL' : 'synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // A decision touches the tails of a dozen B-trees; keep them in memory as history grows.
  sqlite.pragma('cache_size = -65536');
  cacheStatements(sqlite);
  const db = new Kysely<DB>({ dialect: keepingErrors(new SqliteDialect({ database: sqlite }), sqlite) });
  const appliedMigrations = await migrate(db, 'sqlite');
  const wal = walSyncer(`${file}-wal`);
  const group = opts.groupCommit ? new GroupCommitter(db, 256, wal.sync) : null;
  return {
    kind: 'sqlite',
    db,
    appliedMigrations,
    transact: group ? (fn) => group.run(fn) : (fn) => db.transaction().execute(fn),
    transactDecision: group ? (_key, fn) => group.run(fn) : (_key, fn) => db.transaction().execute(fn),
    batchesDecisions: false,
    onKeyRevoked: () => {},
    close: async () => {
      await db.destroy();
      wal.close();
    },
  };
}

/**
 * SQLite rolls a transaction back by itself when the disk is full, on an I/O error or when it is
 * busy. Kysely's own rollback after that fails with "no transaction is active" and replaces the
 * error that says what happened (SQLITE_FULL: a 503 to retry) with one that says nothing (a 500).
 */
function keepingErrors(dialect: SqliteDialect, sqlite: SQLite.Database): SqliteDialect {
  const createDriver = dialect.createDriver.bind(dialect);
  dialect.createDriver = () => {
    const driver = createDriver();
    const rollback = driver.rollbackTransaction.bind(driver);
    driver.rollbackTransaction = async (...args: Parameters<typeof rollback>) => {
      if (sqlite.inTransaction) await rollback(...args);
    };
    return driver;
  };
  return dialect;
}

/** fsync of the write-ahead log on the thread pool; the log persists while the database is open. */
function walSyncer(walFile: string): { sync: () => Promise<void>; close: () => void } {
  let fd: number | undefined;
  return {
    sync: () =>
      new Promise<void>((resolve, reject) => {
        try {
          fd ??= openSync(walFile, 'r+');
        } catch (error) {
          reject(error);
          return;
        }
        fsync(fd, (error) => (error ? reject(error) : resolve()));
      }),
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
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
