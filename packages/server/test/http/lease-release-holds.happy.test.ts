import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent, walletBalance, type FreshAgent } from './support.js';

/**
 * Releasing a budget lease returns only its unheld, unspent rest: the holds drawn on it were
 * approved, so they stay valid until they settle, charged to the parent through the lease.
 */
let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function childOf(parent: FreshAgent, name: string): Promise<FreshAgent> {
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: `policy of ${name}` } });
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name, policy_id: pol.body.id, parent_agent_id: parent.agentId } });
  expect(agt.status, JSON.stringify(agt.body)).toBe(201);
  const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
  return { agentId: agt.body.id, policyId: pol.body.id, key: key.body.key, keyId: key.body.id };
}
const lease = async (from: FreshAgent, to: FreshAgent, amount: number) => {
  const r = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: from.key, body: { child_agent_id: to.agentId, amount_cents: amount, currency: 'usd' } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const release = (id: string, key: string) => api(s.url, 'POST', `/v1/spend-guard/budget-leases/${id}/release`, { key });
const spend = (a: FreshAgent, amount: number) =>
  api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: { amount_cents: amount, currency: 'usd', merchant_name: 'AWS', reason: 'compute' } });
const remaining = async (a: FreshAgent) => (await api(s.url, 'GET', '/v1/balance', { key: a.key })).body.remaining_budget_cents as number;
const leaseOf = async (child: FreshAgent, id: string) =>
  (await api(s.url, 'GET', `/v1/spend-guard/budget-leases?agent_id=${child.agentId}`, { key: s.mgmt })).body.data.find((l: any) => l.id === id);

describe('releasing a budget lease keeps the holds drawn on it', () => {
  it("the issue's example: 50,000 monthly, 1,000 reserved elsewhere, lease 5,000, child approved 4,000, release, complete at 3,500", async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'parent');
    const elsewhere = await api(s.url, 'POST', '/v1/spend-guard/reservations', { key: parent.key, body: { amount_cents: 1000, currency: 'usd', merchant_name: 'OpenAI', reason: 'x' } });
    expect(elsewhere.body.status).toBe('reserved');
    const child = await childOf(parent, 'child');
    const l = await lease(parent, child, 5000);
    const held = await spend(child, 4000);
    expect(held.body).toMatchObject({ status: 'approved' });
    const rel = await release(l.id, parent.key);
    expect(rel.status, JSON.stringify(rel.body)).toBe(200);
    expect(rel.body).toMatchObject({ status: 'released', spent_cents: 0, held_cents: 4000, remaining_cents: 0 });
    expect(await remaining(parent)).toBe(50_000 - 1000 - 4000);
    // The child's approval still holds: completing it charges the parent once, through the lease.
    const before = await walletBalance(s);
    const done = await api(s.url, 'POST', `/v1/spend-requests/${held.body.id}/complete`, { key: child.key, body: { amount_cents: 3500 } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', captured_amount_cents: 3500 });
    expect(await remaining(parent)).toBe(50_000 - 1000 - 3500);
    expect(await walletBalance(s)).toEqual({ available: before.available + 500, held: before.held - 4000 });
    expect(await leaseOf(child, l.id)).toMatchObject({ status: 'released', spent_cents: 3500, held_cents: 0 });
    // The child now spends from its own policy, not from the released lease.
    expect((await spend(child, 100)).body).toMatchObject({ status: 'approved' });
    expect(await remaining(parent)).toBe(50_000 - 1000 - 3500);
  });

  it('a hold on a released lease that is cancelled returns all of it to the parent', async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 10_000 }, 'parent-2');
    const child = await childOf(parent, 'child-2');
    const l = await lease(parent, child, 3000);
    const held = await spend(child, 2000);
    await release(l.id, child.key);
    expect(await remaining(parent)).toBe(8000);
    expect((await api(s.url, 'POST', `/v1/spend-requests/${held.body.id}/cancel`, { key: child.key })).body.status).toBe('cancelled');
    expect(await remaining(parent)).toBe(10_000);
    expect(await leaseOf(child, l.id)).toMatchObject({ status: 'released', spent_cents: 0, held_cents: 0 });
  });

  it('nested: a grandchild hold survives the release of the root lease and settles up the whole chain', async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 20_000 }, 'root');
    const child = await childOf(parent, 'middle');
    const grandchild = await childOf(child, 'leaf');
    const outer = await lease(parent, child, 6000);
    const inner = await lease(child, grandchild, 3000);
    const held = await spend(grandchild, 2000);
    expect(held.body.status).toBe('approved');
    const rel = await release(outer.id, parent.key);
    expect(rel.body).toMatchObject({ status: 'released', held_cents: 2000 });
    expect(await leaseOf(grandchild, inner.id)).toMatchObject({ status: 'released', held_cents: 2000 });
    expect(await remaining(parent)).toBe(18_000);
    await api(s.url, 'POST', `/v1/spend-requests/${held.body.id}/complete`, { key: grandchild.key, body: { amount_cents: 1500 } });
    expect(await remaining(parent)).toBe(18_500);
    expect(await leaseOf(grandchild, inner.id)).toMatchObject({ spent_cents: 1500, held_cents: 0 });
    expect(await leaseOf(child, outer.id)).toMatchObject({ spent_cents: 1500, held_cents: 0 });
    const bal = await api(s.url, 'GET', '/v1/balance', { key: parent.key });
    expect(bal.body.budgets[0]).toMatchObject({ period: 'monthly', spent_cents: 1500, held_cents: 0 });
  });

  it('revoking the parent (a security action) cancels the holds drawn on the leases it granted', async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 10_000 }, 'parent-3');
    const child = await childOf(parent, 'child-3');
    await lease(parent, child, 3000);
    const held = await spend(child, 1000);
    expect((await api(s.url, 'DELETE', `/v1/agents/${parent.agentId}`, { key: s.mgmt })).status).toBe(200);
    const got = await api(s.url, 'GET', `/v1/spend-requests/${held.body.id}`, { key: s.mgmt });
    expect(got.body).toMatchObject({ status: 'cancelled', cancellation_reason: 'lease_revoked' });
  });

  it('revoking the grandparent cancels a grandchild hold that outlived the release of the lease it was drawn on', async () => {
    const root = await freshAgent(s, { monthly_limit_cents: 20_000 }, 'root-4');
    const middle = await childOf(root, 'middle-4');
    const leaf = await childOf(middle, 'leaf-4');
    const outer = await lease(root, middle, 6000);
    const inner = await lease(middle, leaf, 3000);
    const held = await spend(leaf, 2000);
    await release(inner.id, middle.key);
    expect(await leaseOf(middle, outer.id)).toMatchObject({ status: 'active', held_cents: 2000 });
    const r = await api(s.url, 'DELETE', `/v1/agents/${root.agentId}`, { key: s.mgmt });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect((await api(s.url, 'GET', `/v1/spend-requests/${held.body.id}`, { key: s.mgmt })).body).toMatchObject({ status: 'cancelled', cancellation_reason: 'lease_revoked' });
    expect(await leaseOf(middle, outer.id)).toMatchObject({ status: 'revoked', held_cents: 0 });
    const bal = await api(s.url, 'GET', `/v1/balance?agent_id=${root.agentId}`, { key: s.mgmt });
    expect(bal.body.budgets[0]).toMatchObject({ spent_cents: 0, held_cents: 0 });
  });
});
