import { Kysely, PostgresAdapter, sql, type Transaction } from 'kysely';
import { lockHeldByBatch, type DecisionKey } from './decision-batch.js';
import type { DB } from './schema.js';

export type { DecisionKey } from './decision-batch.js';

/** A query executor: the database itself or a transaction on it. */
export type Executor = Kysely<DB> | Transaction<DB>;
export type Tx = Transaction<DB>;
export type DatabaseKind = 'sqlite' | 'postgres';

/** The store's handle on a database: queries, transactions, and closing. */
export interface Database {
  readonly kind: DatabaseKind;
  readonly db: Kysely<DB>;
  /** Migrations this open applied (empty when the schema was already current). */
  readonly appliedMigrations: string[];
  /** Runs `fn` in one transaction; everything it writes commits together or not at all. */
  transact<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  /**
   * Runs a decision against a budget in one transaction: on PostgreSQL, decisions of one
   * workspace that arrive together share one (see DecisionBatcher), and `fn` may run again
   * alone if its batch rolled back, so it must do nothing outside the transaction (no rail, no
   * network); on SQLite, as `transact` (whose group commit batches them).
   */
  transactDecision<T>(key: DecisionKey, fn: (tx: Tx) => Promise<T>): Promise<T>;
  /** True when transactDecision batches (PostgreSQL, unless turned off): a decision's key is then worth reading ahead. */
  readonly batchesDecisions: boolean;
  /** Calls `fn` with a key id whenever any process revokes a key (PostgreSQL LISTEN/NOTIFY); null on SQLite, where one process owns the file. */
  onKeyRevoked(fn: (keyId: string) => void): void;
  close(): Promise<void>;
}

/** True when `db` talks to PostgreSQL (row locks and SKIP LOCKED exist there; SQLite has one writer). */
export function isPostgres(db: Executor): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Holds an exclusive lock on `key` until the transaction ends, or answers false at once if
 * another transaction (in any process) holds it. SQLite has one writer: always true.
 */
export async function tryTransactionLock(tx: Tx, key: string): Promise<boolean> {
  if (!isPostgres(tx) || lockHeldByBatch(tx, key)) return true;
  const r = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as ok`.execute(tx);
  return r.rows[0]?.ok === true;
}

export { openSqlite } from './sqlite.js';
export { openPostgres } from './postgres.js';
