import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { parseEnv, startServer, type RunningServer } from '../../src/index.js';
import { createPgDatabase } from './pg.js';

/** A real Bursar on a real SQLite file in a temp dir, listening on a random loopback port. */
export interface TestServer {
  url: string;
  server: RunningServer;
  dataDir: string;
  /** The provisioned management key. */
  mgmt: string;
  /** The provisioned default agent's spending key. */
  spend: string;
  agentId: string;
  policyId: string;
  walletId: string;
  /** Everything the server logged, for tests that grep the logs. */
  logs: string[];
  close(): Promise<void>;
}

/**
 * The `postgres` vitest project runs the same files with BURSAR_TEST_DATABASE=postgres: each
 * server then gets a fresh database on the run's PostgreSQL instead of a SQLite file.
 */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-test-'));
  if (process.env.BURSAR_TEST_DATABASE === 'postgres' && env.DATABASE_URL === undefined) {
    // Two shared cores under a whole test run: let lock queues wait longer than production's 5 s.
    env = { BURSAR_DB_STATEMENT_TIMEOUT_MS: '30000', ...env, DATABASE_URL: await createPgDatabase() };
  }
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const server = await startServer(
    parseEnv({ PORT: '0', BURSAR_DATA_DIR: dataDir, BURSAR_RATE_LIMIT_RPS: '0', BURSAR_AUTH_FAILURE_LIMIT: '0', BURSAR_LOG_LEVEL: 'info', ...env }),
    { logDestination: sink },
  );
  const p = server.provisioned!;
  return {
    url: server.url,
    server,
    dataDir,
    mgmt: p.managementKey,
    spend: p.spendingKey,
    agentId: p.agentId,
    policyId: p.policyId,
    walletId: p.walletId,
    logs,
    async close() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A response with its parsed JSON body. */
export interface Res<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

/** Calls the API over real HTTP. `key` goes into `Authorization: Bearer`. */
export async function api<T = any>(
  base: string,
  method: string,
  path: string,
  opts: { key?: string | undefined; body?: unknown; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Res<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
  let body: string | undefined;
  if (opts.rawBody !== undefined) body = opts.rawBody;
  else if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON; keep the text
  }
  return { status: res.status, headers: res.headers, body: parsed as T };
}

/** Shorthand for a spend request body. */
export function spendBody(amount: number, extra: Record<string, unknown> = {}) {
  return { amount_cents: amount, currency: 'usd', merchant_name: 'AWS', reason: 'test spend', ...extra };
}
