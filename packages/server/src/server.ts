import { resolve } from 'node:path';
import { RESERVATION_MAX_TTL_SECONDS } from '@bursar/core';
import pino from 'pino';
import type { Database } from './db/database.js';
import { withSetupLock } from './db/migrate.js';
import { openDatabase } from './db/open.js';
import type { Env } from './env.js';
import { buildApp } from './http/app.js';
import type { App } from './http/types.js';
import type { ServiceConfig } from './services/context.js';
import { startSweeper } from './services/sweeper.js';
import './services/wiring.js';
import { startWebhookWorker } from './services/events/webhook-worker.js';
import { keyCache } from './services/agents/keys.js';
import { TokenSigner } from './tokens/signer.js';
import { checkKeyFingerprint, loadEncryptionKey, SecretBox } from './crypto/encryption.js';
import { getKeyFingerprint, setKeyFingerprint } from './store/secrets.js';
import { provisionIfEmpty, type Provisioned } from './services/workspace/provision.js';
import { sealPlaintextSecrets } from './services/instance/secrets-at-rest.js';
import { advanceClock, timeOfId } from './services/clock.js';
import { newestSpendRequestId } from './store/clock.js';

export const VERSION = '0.1.0';

/** Opens the configured database (which applies pending migrations) and closes it again. */
export async function migrateOnly(env: Env): Promise<{ kind: string; applied: string[] }> {
  const db = await openDatabase(env, resolve(env.BURSAR_DATA_DIR));
  try {
    return { kind: db.kind, applied: db.appliedMigrations };
  } finally {
    await db.close();
  }
}

/** A running Bursar: where it listens, what its first start created, and how to stop it. */
export interface RunningServer {
  url: string;
  port: number;
  dataDir: string;
  provisioned: Provisioned | null;
  app: App;
  db: Database;
  /** The token signer (rotate keys with `signer.rotate()`). */
  signer: TokenSigner;
  close(): Promise<void>;
}

/**
 * Opens the data dir, provisions it on first start, and serves the API. Nothing here prints:
 * the caller decides what a person sees.
 */
export async function startServer(env: Env, options: { logDestination?: pino.DestinationStream } = {}): Promise<RunningServer> {
  const dataDir = resolve(env.BURSAR_DATA_DIR);
  const logger = pino(
    {
      level: env.BURSAR_LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.key', '*.secret', '*.number', '*.cvc', '*.card_number'], censor: '[redacted]' },
    },
    options.logDestination ?? pino.destination(1),
  );
  const db = await openDatabase(env, dataDir);
  try {
    const placeholderUrl = `http://${env.HOST}:${env.PORT}`;
    const secrets = new SecretBox(loadEncryptionKey(env.BURSAR_ENCRYPTION_KEY, dataDir).key);
    // The issuer must not change between starts or processes: tokens in flight carry it.
    // The longest any token lives: a hold's (a reservation may ask for up to a week), or an execution token's 15 minutes.
    const tokenLifetimeMs = Math.max(env.BURSAR_HOLD_TTL_SECONDS, RESERVATION_MAX_TTL_SECONDS, 900) * 1000 + 3_600_000;
    const signer = new TokenSigner(db, secrets, env.BURSAR_PUBLIC_URL ?? 'bursar', tokenLifetimeMs, env.BURSAR_SIGNING_KEY_RELOAD_SECONDS * 1000);
    // The key is checked before anything is sealed or opened with it; a database written before
    // secrets were sealed is sealed before the signer loads its keys.
    const sealed = await withSetupLock(db.db, db.kind, async () => {
      await checkKeyFingerprint(secrets, await getKeyFingerprint(db.db), (f) => setKeyFingerprint(db.db, f));
      const count = await sealPlaintextSecrets(db, secrets);
      await signer.init();
      return count;
    });
    if (sealed > 0) logger.info({ rows: sealed }, 'sealed plaintext secrets left by an earlier version');
    // Decisions never go back in time, not even across a restart on a clock that was stepped back.
    const newest = await newestSpendRequestId(db.db);
    if (newest) advanceClock(timeOfId(newest));
    const config: ServiceConfig = {
      signer,
      secrets,
      publicUrl: env.BURSAR_PUBLIC_URL ?? placeholderUrl,
      sandbox: env.BURSAR_SANDBOX,
      approvalTtlMs: env.BURSAR_APPROVAL_TTL_SECONDS * 1000,
      holdTtlMs: env.BURSAR_HOLD_TTL_SECONDS * 1000,
      webhooks: {
        allowPrivate: env.BURSAR_WEBHOOK_ALLOW_PRIVATE,
        retryScheduleMs: env.BURSAR_WEBHOOK_RETRY_SCHEDULE,
        timeoutMs: Math.round(env.BURSAR_WEBHOOK_TIMEOUT_SECONDS * 1000),
      },
    };
    // Under the setup lock: of several processes starting on an empty database, one provisions.
    const provisioned = await withSetupLock(db.db, db.kind, () => provisionIfEmpty(db, config, env.BURSAR_ADMIN_KEY));
    const app = await buildApp({
      deps: { db, config, idempotencyTtlMs: env.BURSAR_IDEMPOTENCY_TTL_SECONDS * 1000, mcpAllowedOrigins: env.BURSAR_MCP_ALLOWED_ORIGINS },
      logger,
      bodyLimit: env.BURSAR_BODY_LIMIT_BYTES,
      rateLimit: { rps: env.BURSAR_RATE_LIMIT_RPS, burst: env.BURSAR_RATE_LIMIT_BURST },
      authThrottle: { limit: env.BURSAR_AUTH_FAILURE_LIMIT, windowMs: env.BURSAR_AUTH_FAILURE_WINDOW_SECONDS * 1000 },
      trustProxy: env.BURSAR_TRUST_PROXY,
      metrics: { enabled: env.BURSAR_METRICS, token: env.BURSAR_METRICS_TOKEN },
      version: VERSION,
    });
    await app.listen({ port: env.PORT, host: env.HOST });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : env.PORT;
    const host = env.HOST.includes(':') ? `[${env.HOST}]` : env.HOST;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
    // With port 0 the real port is known only now; approval links must carry it.
    if (!env.BURSAR_PUBLIC_URL) config.publicUrl = url;
    const sweeper = startSweeper(db, config, env.BURSAR_SWEEP_INTERVAL_SECONDS * 1000, (err) =>
      logger.error({ err }, 'expiry sweep failed'),
    );
    const webhooks = startWebhookWorker(db, config, logger);
    db.onKeyRevoked((keyId) => keyCache.evict(keyId));
    let closing: Promise<void> | null = null;
    return {
      url,
      port,
      dataDir,
      provisioned,
      app,
      db,
      signer,
      close() {
        closing ??= (async () => {
          await app.close();
          await sweeper.stop();
          await webhooks.stop();
          await db.close();
          logger.flush?.();
        })();
        return closing;
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}
