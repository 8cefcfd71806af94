import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPgDatabase } from '../helpers/pg.js';
import { keysFrom, spawnServer, terminate, type ServerProcess } from '../helpers/process.js';
import { startReceiver } from '../helpers/receiver.js';
import { api, spendBody } from '../helpers/server.js';

/** Three `bursar serve` processes on one PostgreSQL database, as behind a load balancer. */
describe('several processes on one PostgreSQL', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-pg-mp-'));
  const servers: ServerProcess[] = [];
  let mgmt: string;
  let spend: string;
  const env: Record<string, string> = {
    BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.3,0.5,1',
    BURSAR_DB_POOL_SIZE: '12',
    // Under a whole test run on two cores, 400 requests queue on one row lock for a while.
    BURSAR_DB_STATEMENT_TIMEOUT_MS: '30000',
  };

  beforeAll(async () => {
    env.DATABASE_URL = await createPgDatabase();
    // Started together: migrations and provisioning take turns under the advisory lock.
    const started = await Promise.all([0, 1, 2].map(() => spawnServer(dataDir, env)));
    servers.push(...started);
    const provisioning = started.filter((s) => /Management key/.test(s.stdout()));
    expect(provisioning).toHaveLength(1);
    ({ mgmt, spend } = keysFrom(provisioning[0]!.stdout()));
  }, 60_000);
  afterAll(async () => {
    for (const s of servers) expect(await terminate(s)).toBe(0);
    rmSync(dataDir, { recursive: true, force: true });
  });

  const url = (i: number) => servers[i % servers.length]!.url;

  async function agentWithBudget(monthly: number): Promise<string> {
    const pol = await api(url(0), 'POST', '/v1/policies', { key: mgmt, body: { name: 'race', monthly_limit_cents: monthly } });
    const agt = await api(url(1), 'POST', '/v1/agents', { key: mgmt, body: { name: 'racer', policy_id: pol.body.id } });
    const key = await api(url(2), 'POST', '/v1/api-keys', { key: mgmt, body: { agent_id: agt.body.id } });
    return key.body.key as string;
  }

  it('approves exactly 50 of 400 racing requests of 1000 against a 50000 budget', async () => {
    await api(url(0), 'POST', '/v1/wallets', { key: mgmt }).catch(() => {});
    const wallets = await api(url(0), 'GET', '/v1/wallets', { key: mgmt });
    await api(url(0), 'POST', `/v1/wallets/${wallets.body.data[0].id}/fund`, { key: mgmt, body: { amount_cents: 10_000_000 } });
    const key = await agentWithBudget(50_000);
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) => api(url(i), 'POST', '/v1/spend-requests', { key, body: spendBody(1000), headers: { 'idempotency-key': `pg-race-${i}` } })),
    );
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    expect(results.filter((r) => r.body.status === 'approved')).toHaveLength(50);
    const balance = await api(url(1), 'GET', '/v1/balance', { key });
    expect(balance.body.budgets[0]).toMatchObject({ held_cents: 50_000, remaining_cents: 0 });
    expect((await api(url(2), 'GET', '/v1/ledger/verify', { key: mgmt })).body.ok).toBe(true);
  }, 60_000);

  it('holds an idempotency key in flight in one process against all the others', async () => {
    const key = await agentWithBudget(10_000_000);
    for (let k = 0; k < 10; k++) {
      const rs = await Promise.all([0, 1, 2, 0, 1, 2].map((i) => api(url(i), 'POST', '/v1/spend', { key, body: spendBody(10), headers: { 'idempotency-key': `same-${k}` } })));
      const ok = rs.filter((r) => r.status === 200);
      expect(new Set(ok.map((r) => r.body.id)).size).toBe(1);
      for (const r of rs.filter((x) => x.status !== 200)) expect(r.body.error.code).toBe('idempotency_key_in_use');
    }
    const listed = await api(url(0), 'GET', '/v1/spend-requests?limit=100', { key });
    expect(listed.body.data).toHaveLength(10);
  });

  it('lets one of three concurrent approvals win', async () => {
    const pending = await api(url(0), 'POST', '/v1/spend-requests', { key: spend, body: spendBody(30_000) });
    expect(pending.body.status).toBe('needs_approval');
    const rs = await Promise.all([0, 1, 2].map((i) => api(url(i), 'POST', `/v1/approvals/${pending.body.approval_id}/approve`, { key: mgmt })));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    const events = await api(url(1), 'GET', `/v1/events?object_id=${pending.body.id}&type=spend_request.approved`, { key: mgmt });
    expect(events.body.data).toHaveLength(1);
  });

  it('revokes a key in every process at once', async () => {
    const created = await api(url(0), 'POST', '/v1/api-keys', { key: mgmt, body: { type: 'management' } });
    for (const i of [0, 1, 2]) expect((await api(url(i), 'GET', '/v1/wallets', { key: created.body.key })).status).toBe(200);
    await api(url(0), 'DELETE', `/v1/api-keys/${created.body.id}`, { key: mgmt });
    await new Promise((r) => setTimeout(r, 100));
    for (const i of [1, 2, 0]) {
      const r = await api(url(i), 'GET', '/v1/wallets', { key: created.body.key });
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe('revoked_api_key');
    }
  });

  it('sends each webhook delivery from one process only', async () => {
    const rx = await startReceiver();
    try {
      await api(url(0), 'POST', '/v1/webhooks', { key: mgmt, body: { url: rx.url, events: ['spend_request.approved'] } });
      const key = await agentWithBudget(10_000_000);
      const ids = (await Promise.all(Array.from({ length: 90 }, (_, i) => api(url(i), 'POST', '/v1/spend', { key, body: spendBody(5) })))).map((r) => r.body.id);
      await rx.waitFor((r) => r.length >= ids.length, 30_000);
      await new Promise((r) => setTimeout(r, 1000));
      const got = rx.received.map((x) => JSON.parse(x.body).data.object.id as string);
      expect(got).toHaveLength(ids.length);
      expect(new Set(got)).toEqual(new Set(ids));
    } finally {
      await rx.close();
    }
  }, 60_000);
});
