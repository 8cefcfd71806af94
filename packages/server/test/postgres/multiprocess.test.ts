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

  it('races child spends on a lease, its release and the parent spending, across processes: never past the budget, never charged twice', async () => {
    const wallet = async () => (await api(url(0), 'GET', '/v1/balance', { key: spend })).body.wallet as { available_cents: number; held_cents: number };
    const policy = async (name: string, body: Record<string, unknown>) => (await api(url(0), 'POST', '/v1/policies', { key: mgmt, body: { name, ...body } })).body.id as string;
    const agent = async (name: string, policyId: string, parent?: string) => {
      const a = await api(url(1), 'POST', '/v1/agents', { key: mgmt, body: { name, policy_id: policyId, ...(parent ? { parent_agent_id: parent } : {}) } });
      return { id: a.body.id as string, key: (await api(url(2), 'POST', '/v1/api-keys', { key: mgmt, body: { agent_id: a.body.id } })).body.key as string };
    };
    const parent = await agent('lease parent', await policy('lease parent', { monthly_limit_cents: 20_000 }));
    const child = await agent('lease child', await policy('lease child', { monthly_limit_cents: 1_000_000 }), parent.id);
    const lease = await api(url(0), 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: child.id, amount_cents: 10_000, currency: 'usd' } });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
    const before = await wallet();

    const reserve = (key: string, i: number) => api(url(i), 'POST', '/v1/spend-guard/reservations', { key, body: { amount_cents: 1000, currency: 'usd' } });
    const racing = [
      ...Array.from({ length: 30 }, (_, i) => reserve(child.key, i)),
      ...Array.from({ length: 30 }, (_, i) => reserve(parent.key, i + 1)),
      api(url(2), 'POST', `/v1/spend-guard/budget-leases/${lease.body.id}/release`, { key: parent.key }),
    ];
    const results = await Promise.all(racing);
    expect(results.map((r) => r.status).filter((x) => x !== 200)).toEqual([]);
    const reserved = results.slice(0, 60).filter((r) => r.body.status === 'reserved');

    // The parent's budget never went past its limit, whatever the order.
    const parentBudget = async () => (await api(url(1), 'GET', '/v1/balance', { key: parent.key })).body.budgets[0] as { spent_cents: number; held_cents: number; remaining_cents: number };
    const held = await parentBudget();
    expect(held.spent_cents + held.held_cents).toBeLessThanOrEqual(20_000);
    expect(held.remaining_cents).toBeGreaterThanOrEqual(0);

    // Capture every reservation from a process other than the one that made it: each is charged once.
    const captured = await Promise.all(reserved.map((r, i) => api(url(i + 1), 'POST', `/v1/spend-guard/reservations/${r.body.id}/capture`, { key: mgmt })));
    expect(captured.map((r) => r.status).filter((x) => x !== 200)).toEqual([]);
    const total = reserved.length * 1000;
    const after = await wallet();
    expect(after.held_cents).toBe(before.held_cents);
    expect(before.available_cents - after.available_cents).toBe(total);
    const spentParent = (await parentBudget()).spent_cents;
    const spentChild = (await api(url(0), 'GET', '/v1/balance', { key: child.key })).body.budgets[0].spent_cents as number;
    const parentOwn = results.slice(30, 60).filter((r) => r.body.status === 'reserved').length * 1000;
    // What the child spent on the lease counts against the parent's budget once; what it spent after the release, against its own.
    const onLease = spentParent - parentOwn;
    expect(onLease).toBeGreaterThanOrEqual(0);
    expect(onLease).toBeLessThanOrEqual(10_000);
    expect(spentParent).toBeLessThanOrEqual(20_000);
    expect(spentChild).toBe(total - parentOwn - onLease);
    const leaseAfter = (await api(url(1), 'GET', '/v1/spend-guard/budget-leases', { key: parent.key })).body.data.find((l: { id: string }) => l.id === lease.body.id);
    expect(leaseAfter).toMatchObject({ status: 'released', held_cents: 0, spent_cents: onLease });
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
