import { existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import type { SecretBox } from '../../crypto/encryption.js';
import type { DB } from '../../db/schema.js';
import { verifyLedger } from '../../ledger/ledger.js';
import { getKeyFingerprint } from '../../store/secrets.js';
import { workspacesInScope } from '../../store/readiness.js';

/** The embedded database's file in a data dir (as openSqlite names it). */
export const sqliteDatabaseFile = (dataDir: string) => join(resolve(dataDir), 'bursar.db');

/** What a copy holds, checked by opening it: SQLite's integrity check, every ledger chain, and whether `box` opens its secrets. */
export interface CopyCheck {
  bytes: number;
  integrity: string;
  ledger: { ok: boolean; wallets: number; transactions: number; problem: string | null };
  /** 'match' when the key opens the copy's secrets, 'mismatch' when not, 'unknown' without a key or a recorded fingerprint. */
  key: 'match' | 'mismatch' | 'unknown';
}

/** Thrown when a server holds the database a restore would replace. */
export class DatabaseInUseError extends Error {}

/**
 * Copies the embedded database to `file` with SQLite's online backup API, consistent while a
 * server writes: every page is copied in one step under one read transaction (WAL lets the
 * server keep writing meanwhile), so no write of another process can restart it half way. The
 * copy is written aside and renamed into place, switched out of WAL so it is one
 * self-contained file, and opened again to check it.
 */
export async function backupSqlite(input: { dataDir: string; file: string; box: SecretBox | null }): Promise<CopyCheck> {
  const source = sqliteDatabaseFile(input.dataDir);
  if (!existsSync(source)) throw new Error(`no Bursar database at ${source}`);
  const target = resolve(input.file);
  if (existsSync(target)) throw new Error(`${target} exists; choose a new file (a backup never overwrites one)`);
  const partial = `${target}.partial`;
  rmSync(partial, { force: true });
  const db = new SQLite(source, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
  const copy = new SQLite(partial);
  try {
    copy.pragma('journal_mode = DELETE');
  } finally {
    copy.close();
  }
  renameSync(partial, target);
  return checkCopy(target, input.box);
}

/** Opens a database file read-only and checks it (see CopyCheck). */
export async function checkCopy(file: string, box: SecretBox | null): Promise<CopyCheck> {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true });
  const integrity = String(sqlite.pragma('integrity_check', { simple: true }));
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  try {
    let wallets = 0;
    let transactions = 0;
    let problem: string | null = null;
    for (const ws of await workspacesInScope(db, null)) {
      const v = await verifyLedger(db, ws.id);
      wallets += v.wallets_checked;
      transactions += v.transactions_checked;
      if (v.first_broken && problem === null) problem = `wallet ${v.first_broken.wallet_id}: ${v.first_broken.problem}`;
    }
    const stored = await getKeyFingerprint(db);
    const key = stored === undefined || box === null ? 'unknown' : box.fingerprintMatches(stored) ? 'match' : 'mismatch';
    return { bytes: statSync(file).size, integrity, ledger: { ok: problem === null, wallets, transactions, problem }, key };
  } finally {
    await db.destroy();
  }
}

/**
 * Puts a backup in place of the data dir's database. Refuses while any process has the
 * database open: a server keeps it open from start to stop, and SQLite then refuses this
 * process an exclusive lock (locking_mode=EXCLUSIVE, BEGIN EXCLUSIVE with no busy wait). Under
 * that lock the current database's log is checkpointed, the file is kept aside as
 * `bursar.db.before-restore-<time>`, and the backup is renamed into place. Refuses a backup
 * that fails its checks, or whose secrets another key sealed, unless `force`.
 */
export async function restoreSqlite(input: { dataDir: string; file: string; box: SecretBox | null; force?: boolean; now?: number }): Promise<CopyCheck & { keptAside: string | null }> {
  const from = resolve(input.file);
  if (!existsSync(from)) throw new Error(`no backup at ${from}`);
  const checked = await checkCopy(from, input.box);
  if (!input.force) {
    if (checked.integrity !== 'ok') throw new Error(`${from} fails SQLite's integrity check: ${checked.integrity}`);
    if (!checked.ledger.ok) throw new Error(`${from}'s ledger does not verify (${checked.ledger.problem})`);
    if (checked.key === 'mismatch') throw new Error(`${from}'s secrets were sealed with another encryption key than this data dir's; restore the key that goes with the backup first`);
  }
  const target = sqliteDatabaseFile(input.dataDir);
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const staged = `${target}.restoring`;
  rmSync(staged, { force: true });
  const src = new SQLite(from, { readonly: true, fileMustExist: true });
  try {
    await src.backup(staged, { progress: () => 0x7fffffff });
  } finally {
    src.close();
  }
  if (!existsSync(target)) {
    renameSync(staged, target);
    return { ...checked, keptAside: null };
  }
  const current = new SQLite(target);
  let keptAside: string;
  try {
    current.pragma('busy_timeout = 0');
    try {
      current.pragma('locking_mode = EXCLUSIVE');
      current.exec('BEGIN EXCLUSIVE; COMMIT');
    } catch (err) {
      if ((err as { code?: string }).code === 'SQLITE_BUSY') {
        throw new DatabaseInUseError(`${target} is in use (a server has it open): stop the server, then restore`);
      }
      throw err;
    }
    // Every committed page of the current database into its own file, so the copy kept aside is whole.
    current.pragma('wal_checkpoint(TRUNCATE)');
    keptAside = `${target}.before-restore-${new Date(input.now ?? Date.now()).toISOString().replace(/[:.]/g, '-')}`;
    renameSync(target, keptAside);
    renameSync(staged, target);
  } catch (err) {
    rmSync(staged, { force: true });
    throw err;
  } finally {
    current.close();
  }
  // The log and shared memory of the database kept aside must not be read as the restored one's.
  rmSync(`${target}-wal`, { force: true });
  rmSync(`${target}-shm`, { force: true });
  return { ...checked, keptAside };
}
