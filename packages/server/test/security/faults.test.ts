import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type Res, type TestServer } from '../helpers/server.js';
import { dbState, expectError } from '../http/support.js';

/**
 * The database fails under the server: full (SQLite's max_page_count, the way a full disk
 * answers) or locked by another process. Each is a 503 with a clear message and Retry-After,
 * nothing half-written, and the same request succeeds once the database is back.
 * (A hanging webhook receiver never stalling the API is test/webhooks/retries.test.ts.)
 */

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

function expectUnavailable(r: Res): void {
  expectError(r, 503, 'service_unavailable');
  expect(r.body.error.message).toMatch(/nothing was changed/);
  expect(r.headers.get('retry-after')).toBe('1');
}

describe('a full disk', () => {
  it('answers 503, writes no part of the decision, and the retry succeeds once there is room', async () => {
    const db = s.server.db.db;
    const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]!.page_count);
    await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
    let full: Res | undefined;
    let body: unknown;
    try {
      // Free pages inside the file absorb a few writes; keep going until the file must grow.
      for (let i = 0; i < 500 && !full; i++) {
        body = spendBody(100 + i, { reason: `filling ${'x'.repeat(900)}` });
        const before = await dbState(s);
        const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body, headers: { 'idempotency-key': `full-${i}` } });
        if (r.status === 503) {
          full = r;
          expect(await dbState(s), 'a 503 left part of a decision behind').toEqual(before);
          expectUnavailable(r);
          // Many at once (one group commit, each in its savepoint): every one a 503, none half-written.
          const before2 = await dbState(s);
          const burst = await Promise.all(
            Array.from({ length: 12 }, (_, j) => api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(7 + j, { reason: 'x'.repeat(900) }) })),
          );
          for (const b of burst) expectUnavailable(b);
          expect(await dbState(s)).toEqual(before2);
          // Reads still answer.
          expect((await api(s.url, 'GET', '/v1/balance', { key: s.spend })).status).toBe(200);
          // Room again: the same request, same key, now succeeds, once.
          await sql.raw('pragma max_page_count = 1073741823').execute(db);
          const retry = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body, headers: { 'idempotency-key': `full-${i}` } });
          expect(retry.status, JSON.stringify(retry.body)).toBe(200);
          const again = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body, headers: { 'idempotency-key': `full-${i}` } });
          expect(again.headers.get('idempotent-replayed')).toBe('true');
          expect(again.body.id).toBe(retry.body.id);
        } else {
          expect(r.status, `${JSON.stringify(r.body)}\n${s.logs.filter((l) => l.includes('unhandled')).join('').slice(0, 3000)}`).toBe(200);
        }
      }
    } finally {
      await sql.raw('pragma max_page_count = 1073741823').execute(db);
    }
    expect(full, 'the database never filled up').toBeDefined();
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body).toMatchObject({ ok: true });
  });
});

describe('a database locked by another process', () => {
  it('answers 503 after the busy timeout, writes nothing, and works again once the lock is gone', async () => {
    const file = join(s.dataDir, 'bursar.db');
    const serverDir = fileURLToPath(new URL('../../', import.meta.url));
    const holder = spawn(
      process.execPath,
      ['-e', `const D = require('better-sqlite3'); const db = new D(${JSON.stringify(file)}); db.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => { db.exec('COMMIT'); db.close(); }, 7000);`],
      { cwd: serverDir, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        holder.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
        holder.once('exit', (code) => reject(new Error(`lock holder exited with ${code}`)));
      });
      const before = await dbState(s);
      const started = Date.now();
      const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(123), headers: { 'idempotency-key': 'locked-1' } });
      expectUnavailable(r);
      expect(Date.now() - started).toBeLessThan(6500);
      expect(await dbState(s)).toEqual(before);
      await new Promise<void>((resolve) => (holder.exitCode !== null ? resolve() : holder.once('exit', () => resolve())));
      const retry = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(123), headers: { 'idempotency-key': 'locked-1' } });
      expect(retry.status, JSON.stringify(retry.body)).toBe(200);
    } finally {
      holder.kill('SIGKILL');
    }
  }, 30_000);
});
