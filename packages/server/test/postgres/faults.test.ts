import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../helpers/pg.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

/**
 * The fault suite of PostgreSQL (the SQLite one, security/faults.test.ts, fills the disk and
 * locks the file): a budget locked by another session past the statement timeout, and every
 * connection of the server cut as a failover would. Each answers 503, writes nothing, and the
 * same request succeeds once the fault is gone.
 */
describe('faults on PostgreSQL', () => {
  let s: TestServer;
  let url: string;
  let admin: pg.Client;
  beforeAll(async () => {
    url = await createPgDatabase();
    s = await startTestServer({ DATABASE_URL: url, BURSAR_DB_STATEMENT_TIMEOUT_MS: '500' });
    admin = new pg.Client({ connectionString: url });
    await admin.connect();
  });
  afterAll(async () => {
    await admin.end();
    await s.close();
  });

  const counts = async () => {
    const r = await admin.query<{ requests: string; ledger: string; events: string; keys: string }>(
      `select (select count(*) from spend_requests) as requests, (select count(*) from ledger_transactions) as ledger,
              (select count(*) from events) as events, (select count(*) from idempotency_keys) as keys`,
    );
    return r.rows[0];
  };

  it('a budget locked by another session past the statement timeout: 503, nothing written, then the retry succeeds', async () => {
    const policyId = (await admin.query<{ policy_id: string }>('select policy_id from agents where id = $1', [s.agentId])).rows[0]!.policy_id;
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query('begin');
      await holder.query('select id from policies where id = $1 for update', [policyId]);
      const before = await counts();
      const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100), headers: { 'idempotency-key': 'locked-1' } });
      expect(r.status, JSON.stringify(r.body)).toBe(503);
      expect(r.body.error.code).toBe('service_unavailable');
      expect(await counts()).toEqual(before);
    } finally {
      await holder.query('rollback');
      await holder.end();
    }
    const again = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100), headers: { 'idempotency-key': 'locked-1' } });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('approved');
  });

  it("every connection cut (a failover): answers 503 or succeeds, never 500, and nothing half-written; then it serves again", async () => {
    const before = await counts();
    // Cut the server's connections while requests are in flight.
    const inFlight = Array.from({ length: 20 }, (_, i) => api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10), headers: { 'idempotency-key': `cut-${i}` } }));
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
    const results = await Promise.all(inFlight);
    expect(results.map((r) => r.status).filter((x) => x !== 200 && x !== 503)).toEqual([]);
    const answered = results.filter((r) => r.status === 200).length;
    const after = await counts();
    // Every approved answer was committed whole (request, hold, event, idempotency record); nothing else was.
    expect(Number(after!.requests) - Number(before!.requests)).toBe(answered);
    expect(Number(after!.keys) - Number(before!.keys)).toBe(answered);
    // The pool replaces the cut connections: the retries succeed.
    const retried = await Promise.all(results.map((r, i) => (r.status === 200 ? r : api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(10), headers: { 'idempotency-key': `cut-${i}` } }))));
    expect(retried.map((r) => r.status)).toEqual(results.map(() => 200));
    expect(new Set(retried.map((r) => r.body.id)).size).toBe(20);
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });
});
