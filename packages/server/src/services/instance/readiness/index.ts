import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Kysely } from 'kysely';
import { parseEncryptionKey, KEY_FILE, SecretBox } from '../../../crypto/encryption.js';
import type { Database, DatabaseKind } from '../../../db/database.js';
import type { DB } from '../../../db/schema.js';
import type { Env } from '../../../env.js';
import { sqliteFile, workspacesInScope, type ReadinessScope } from '../../../store/readiness.js';
import { isRootKey } from '../../../store/workspaces.js';
import type { ServiceConfig } from '../../context.js';
import type { Caller } from '../../run.js';
import { backupChecks } from './backups.js';
import { fail, type CheckDefinition, type ReadinessCheck, type ReadinessReport, type ReadinessSettings } from './check.js';
import { liveModeChecks } from './live-mode.js';
import { moneyChecks } from './money.js';
import { secretChecks } from './secrets.js';
import { serverChecks } from './server.js';
import { webhookChecks } from './webhooks.js';

export { readinessReportSchema, type ReadinessCheck, type ReadinessReport, type ReadinessSettings, type ReadinessStatus } from './check.js';

/** Every check, in the order a report lists them. */
export const readinessChecks: readonly CheckDefinition[] = [
  ...serverChecks,
  ...moneyChecks,
  ...liveModeChecks,
  ...webhookChecks,
  ...secretChecks,
  ...backupChecks,
];

/**
 * Runs every check against `db` inside one read-only transaction, so the ledger, the balances
 * and the holds are compared as of one moment (REPEATABLE READ on PostgreSQL; on SQLite the
 * transaction's snapshot). A check that throws fails with its error as evidence; the others
 * still run. `onCheck` hears each verdict as it is reached (the CLI's progress lines).
 */
export async function checkReadiness(input: {
  db: Kysely<DB>;
  kind: DatabaseKind;
  scope: ReadinessScope;
  settings: ReadinessSettings;
  now?: number;
  onCheck?: (check: ReadinessCheck, index: number, total: number) => void;
}): Promise<ReadinessReport> {
  const begin = input.kind === 'postgres' ? input.db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only') : input.db.transaction();
  const checks = await begin.execute(async (tx) => {
    const now = input.now ?? Date.now();
    const live = (await workspacesInScope(tx, input.scope)).some((w) => w.livemode === 1);
    const memo = new Map<string, Promise<unknown>>();
    const shared = <T>(key: string, fn: () => Promise<T>): Promise<T> => {
      if (!memo.has(key)) memo.set(key, fn());
      return memo.get(key) as Promise<T>;
    };
    const out: ReadinessCheck[] = [];
    for (const def of readinessChecks) {
      let verdict;
      try {
        verdict = await def.run({ db: tx, kind: input.kind, scope: input.scope, settings: input.settings, now, live, shared });
      } catch (err) {
        verdict = fail(`the check could not run: ${err instanceof Error ? err.message : String(err)}`, 'Look at the error; a check that cannot run is treated as failed.');
      }
      const check = { id: def.id, title: def.title, ...verdict };
      out.push(check);
      input.onCheck?.(check, out.length, readinessChecks.length);
    }
    return out;
  });
  return { object: 'readiness', ok: checks.every((c) => c.status !== 'fail'), checks };
}

/** The settings of a process configured by `env` (bursar doctor reading the data directly): no server is running it. */
export function settingsFromEnv(env: Env, version: string): ReadinessSettings {
  const dataDir = resolve(env.BURSAR_DATA_DIR);
  const file = join(dataDir, KEY_FILE);
  let box: SecretBox | null = null;
  try {
    box = new SecretBox(env.BURSAR_ENCRYPTION_KEY !== undefined ? parseEncryptionKey(env.BURSAR_ENCRYPTION_KEY) : parseEncryptionKey(readFileSync(file, 'utf8')));
  } catch {
    // No readable key here: the fingerprint check says so.
  }
  const limited = env.BURSAR_RATE_LIMIT_RPS > 0 && env.BURSAR_RATE_LIMIT_BURST > 0;
  return {
    version,
    uptimeSeconds: null,
    publicUrl: env.BURSAR_PUBLIC_URL ?? null,
    rateLimit: {
      enabled: limited,
      detail: limited
        ? `BURSAR_RATE_LIMIT_RPS=${env.BURSAR_RATE_LIMIT_RPS}, BURSAR_RATE_LIMIT_BURST=${env.BURSAR_RATE_LIMIT_BURST} per key (in this environment)`
        : 'rate limits are off in this environment (BURSAR_RATE_LIMIT_RPS or BURSAR_RATE_LIMIT_BURST is 0)',
    },
    encryptionKey: { source: env.BURSAR_ENCRYPTION_KEY !== undefined ? 'env' : 'file', file, box },
  };
}

/** What a running server knows of itself that its services do not: its version, when it started, and its rate limit. */
export interface ServerFacts {
  version: string;
  startedAt: number;
  rateLimit: ReadinessSettings['rateLimit'];
}

/**
 * The readiness of the server answering GET /v1/readiness. A root management key sees the whole
 * instance; another management key sees its own workspace (and the instance-wide checks). The
 * key's source is told by comparing the key in use with the data dir's key file, which this
 * server knows only on SQLite (the database file's directory).
 */
export async function checkServerReadiness(input: { db: Database; config: ServiceConfig; caller: Caller; facts: ServerFacts }): Promise<ReadinessReport> {
  const { db, config, caller, facts } = input;
  const root = caller.actor.type === 'operator' && (await isRootKey(db.db, caller.actor.keyId));
  const settings: ReadinessSettings = {
    version: facts.version,
    uptimeSeconds: Math.round((Date.now() - facts.startedAt) / 1000),
    publicUrl: config.publicUrl,
    rateLimit: facts.rateLimit,
    encryptionKey: db.kind === 'sqlite' ? keySource(join(dirname(await sqliteFile(db.db)), KEY_FILE), config.secrets) : { source: 'unknown', file: null, box: config.secrets },
  };
  return checkReadiness({ db: db.db, kind: db.kind, scope: root ? null : caller.workspace.id, settings });
}

/** The key file in use when it holds the key that `box` was made with; otherwise the key came from BURSAR_ENCRYPTION_KEY. */
function keySource(file: string, box: SecretBox): ReadinessSettings['encryptionKey'] {
  try {
    const fromFile = new SecretBox(parseEncryptionKey(readFileSync(file, 'utf8')));
    return { source: fromFile.fingerprint() === box.fingerprint() ? 'file' : 'env', file, box };
  } catch {
    return { source: 'env', file, box };
  }
}
