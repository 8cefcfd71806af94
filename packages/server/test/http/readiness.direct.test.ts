import { chmodSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openForInspection } from '../../src/db/inspect.js';
import { parseEnv } from '../../src/env.js';
import { checkReadiness, settingsFromEnv } from '../../src/services/instance/readiness/index.js';
import { createPgDatabase } from '../helpers/pg.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * `bursar doctor --data-dir` / DATABASE_URL: the same checks read the data of a server that is
 * stopped, with the settings of an environment instead of a running server's.
 */
let dataDir: string | undefined;
afterEach(() => {
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  dataDir = undefined;
});

async function stoppedServer(): Promise<{ s: TestServer; env: Record<string, string> }> {
  const env: Record<string, string> = process.env.BURSAR_TEST_DATABASE === 'postgres' ? { DATABASE_URL: await createPgDatabase() } : {};
  const s = await startTestServer(env);
  await s.server.close();
  dataDir = s.dataDir;
  return { s, env: { ...env, BURSAR_DATA_DIR: s.dataDir } };
}

async function inspect(env: Record<string, string>, now?: number) {
  const parsed = parseEnv(env);
  const inspection = openForInspection({ databaseUrl: parsed.DATABASE_URL, dataDir: parsed.BURSAR_DATA_DIR });
  try {
    const report = await checkReadiness({ db: inspection.db, kind: inspection.kind, scope: null, settings: settingsFromEnv(parsed, '9.9.9'), ...(now ? { now } : {}) });
    return { report, check: (id: string) => report.checks.find((c) => c.id === id)! };
  } finally {
    await inspection.close();
  }
}

/** Writes through a second, writable handle (the inspection never writes). */
async function write(env: Record<string, string>, fn: (db: ReturnType<typeof openForInspection>['db']) => Promise<unknown>) {
  const { openDatabase } = await import('../../src/db/open.js');
  const parsed = parseEnv(env);
  const db = await openDatabase(parsed, parsed.BURSAR_DATA_DIR);
  try {
    await fn(db.db);
  } finally {
    await db.close();
  }
}

describe('readiness read directly from the data', () => {
  it('passes on a fresh instance and says no server was asked', async () => {
    const { env } = await stoppedServer();
    const { report, check } = await inspect(env);
    expect(report.ok).toBe(true);
    expect(check('server.version').evidence).toMatch(/^bursar 9\.9\.9, inspected directly/);
    expect(check('secrets.encryption_key')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/mode 0600/) });
    expect(check('secrets.key_matches_database').status).toBe('pass');
    expect(check('live.rate_limits')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/RPS=50/) });
  });

  it('fails a key file others can read, and a key that is not the database\'s', async () => {
    const { env } = await stoppedServer();
    chmodSync(join(env.BURSAR_DATA_DIR!, 'encryption.key'), 0o644);
    expect((await inspect(env)).check('secrets.encryption_key')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/mode 0644/), fix: expect.stringMatching(/chmod 600/) });
    const other = await inspect({ ...env, BURSAR_ENCRYPTION_KEY: 'a'.repeat(64) });
    expect(other.check('secrets.encryption_key').status).toBe('pass');
    expect(other.check('secrets.key_matches_database').status).toBe('fail');
  });

  it('warns on rate limits off and plain http in a sandbox, and fails them once a workspace is live', async () => {
    const { env } = await stoppedServer();
    const off = { ...env, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_PUBLIC_URL: 'http://bursar.example.com' };
    const sandbox = await inspect(off);
    expect(sandbox.check('live.rate_limits').status).toBe('warn');
    expect(sandbox.check('live.public_url').status).toBe('warn');
    await write(env, (db) => db.updateTable('workspaces').set({ livemode: 1 }).execute());
    const live = await inspect(off);
    expect(live.check('live.rate_limits').status).toBe('fail');
    expect(live.check('live.public_url').status).toBe('fail');
    expect(live.check('live.session_cookie').status).toBe('fail');
    const https = await inspect({ ...env, BURSAR_PUBLIC_URL: 'https://bursar.example.com' });
    expect(https.check('live.public_url').status).toBe('pass');
    expect(https.check('live.session_cookie').status).toBe('pass');
  });

  it('warns on an outbox five minutes behind and fails one an hour behind', async () => {
    const { env } = await stoppedServer();
    const now = Date.now();
    await write(env, (db) => db.updateTable('events').set({ dispatched: 0, created_at: now - 10 * 60_000 }).execute());
    expect((await inspect(env, now)).check('webhooks.outbox')).toMatchObject({ status: 'warn', evidence: expect.stringMatching(/oldest 10m old/) });
    expect((await inspect(env, now + 3600_000)).check('webhooks.outbox').status).toBe('fail');
  });

  it('warns on a signing key older than 90 days', async () => {
    const { env } = await stoppedServer();
    const { check } = await inspect(env, Date.now() + 91 * 24 * 3600_000);
    expect(check('secrets.signing_keys')).toMatchObject({ status: 'warn', fix: expect.stringMatching(/Rotate/) });
  });
});
