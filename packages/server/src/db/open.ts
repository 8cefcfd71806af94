import type { Env } from '../env.js';
import type { Database } from './database.js';
import { openPostgres } from './postgres.js';
import { openSqlite } from './sqlite.js';

/** PostgreSQL when DATABASE_URL is set; otherwise the embedded SQLite file in the data dir. */
export function openDatabase(env: Env, dataDir: string): Promise<Database> {
  if (env.DATABASE_URL) {
    return openPostgres(env.DATABASE_URL, {
      poolSize: env.BURSAR_DB_POOL_SIZE,
      statementTimeoutMs: env.BURSAR_DB_STATEMENT_TIMEOUT_MS,
      preparedStatements: env.BURSAR_DB_PREPARED_STATEMENTS,
      decisionBatch: env.BURSAR_DECISION_BATCH,
    });
  }
  return openSqlite(dataDir, { groupCommit: env.BURSAR_GROUP_COMMIT });
}
