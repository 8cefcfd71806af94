import { Kysely, PostgresDialect, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { DecisionBatcher } from './decision-batch.js';
import { migrate, withSetupLock } from './migrate.js';
import { statementName } from './prepared.js';
import type { DB } from './schema.js';

export interface PostgresOptions {
  poolSize: number;
  statementTimeoutMs: number;
  /** Run the hot path's statements as named prepared statements (off behind a pooler that cannot keep them). */
  preparedStatements?: boolean;
  /** Decide in batches (see DecisionBatcher); off, every decision is a transaction of its own. */
  decisionBatch?: boolean;
}

const INT8 = 20;
const NUMERIC = 1700;

/** int8 (money, counts, times) as a JS number, deliberately: refuse anything past 2^53 rather than round it. */
function safeInteger(text: string): number {
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw new Error(`integer ${text} is beyond 2^53; refusing to round it`);
  return n;
}

/** How pg parses what Bursar reads: int8 and numeric as safe integers, anything past 2^53 refused. */
export const moneyTypes = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8 || oid === NUMERIC) return safeInteger;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

/**
 * The pool as Kysely sees it. Its clients run the texts prepared.ts named as named statements
 * (see `named` there) unless `prepared` is off; and a client whose connection dies while it is
 * checked out — a failover, a terminated backend — neither crashes the process (pg emits
 * 'error' on a client between two queries, and nothing else listens then) nor goes back to the
 * pool: it is destroyed on release, and the transaction it served fails with a retryable 503.
 */
function wrapPool(pool: pg.Pool, prepared: boolean): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const broken = new WeakSet<pg.PoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let w = wrapped.get(client);
      if (!w) {
        client.on('error', () => broken.add(client));
        w = {
          query: ((text: string | pg.Submittable, values?: unknown[]) => {
            if (typeof text !== 'string') return client.query(text); // a cursor (streamed results)
            const name = prepared ? statementName(text) : undefined;
            return name === undefined ? client.query(text, values) : client.query({ name, text, values });
          }) as unknown as PostgresPoolClient['query'],
          release: () => client.release(broken.has(client) ? new Error('connection lost') : undefined),
        };
        wrapped.set(client, w);
      }
      return w;
    },
    end: () => pool.end(),
  };
}

/**
 * Connects to PostgreSQL at `url`. Migrations run under an advisory lock (see withSetupLock).
 * READ COMMITTED with row locks taken in a fixed order (policy, then wallet) settles
 * concurrency between processes; a LISTEN connection carries key revocations to every process.
 */
export async function openPostgres(url: string, opts: PostgresOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize,
    types: moneyTypes,
    statement_timeout: opts.statementTimeoutMs,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client's error (the server restarted) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool: wrapPool(pool, opts.preparedStatements !== false) }) });
  const appliedMigrations = await withSetupLock(db, 'postgres', () => migrate(db, 'postgres'));

  const batcher = opts.decisionBatch === false ? null : new DecisionBatcher(db);
  const listeners = new Set<(keyId: string) => void>();
  let listener: pg.Client | null = null;
  let closed = false;
  const listen = async () => {
    const client = new pg.Client({ connectionString: url, types: moneyTypes });
    client.on('error', () => {});
    client.on('notification', (n) => {
      if (n.channel === 'bursar_key_revoked' && n.payload) for (const fn of listeners) fn(n.payload);
    });
    client.on('end', () => {
      listener = null;
      // Reconnect; until then the key cache's short TTL bounds how long a revoked key lives elsewhere.
      if (!closed) setTimeout(() => void listen().catch(() => {}), 1000).unref();
    });
    await client.connect();
    await client.query('LISTEN bursar_key_revoked');
    listener = client;
  };
  await listen();

  return {
    kind: 'postgres',
    db,
    appliedMigrations,
    transact: (fn) => db.transaction().execute(fn),
    transactDecision: batcher ? (key, fn) => batcher.run(key, fn) : (_key, fn) => db.transaction().execute(fn),
    batchesDecisions: batcher !== null,
    onKeyRevoked: (fn) => listeners.add(fn),
    async close() {
      closed = true;
      await listener?.end().catch(() => {});
      await db.destroy();
    },
  };
}
