import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, eventually, expectError, expectNoStateChange, freshAgent, ledgerOf, walletBalance } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
});
afterAll(() => s.close());

const reserve = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  api(s.url, 'POST', '/v1/spend-guard/reservations', { key, body: { currency: 'usd', ...body }, headers });

async function parentAndChild(budget: number, childPolicy: Record<string, unknown> = {}) {
  const parent = await freshAgent(s, { monthly_limit_cents: budget }, 'parent');
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'child policy', max_single_amount_cents: 100_000, ...childPolicy } });
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'child', policy_id: pol.body.id, parent_agent_id: parent.agentId } });
  const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
  return { parent, child: { agentId: agt.body.id as string, key: key.body.key as string, policyId: pol.body.id as string } };
}

describe('reservations', () => {
  it('reserve → capture less than reserved: captures, releases the rest, records the lifecycle', async () => {
    const before = await walletBalance(s);
    const r = await reserve(s.spend, { amount_cents: 5000, merchant_name: 'OpenAI', reason: 'LLM call', ttl_seconds: 120 }, { 'idempotency-key': 'res-1' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ object: 'reservation', status: 'reserved', reasons: [], amount_cents: 5000, merchant_name: 'OpenAI', agent_id: s.agentId });
    expect(r.body.id).toMatch(/^res_/);
    expect(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at)).toBe(120_000);
    expect(await walletBalance(s)).toEqual({ available: before.available - 5000, held: before.held + 5000 });
    const c = await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/capture`, { key: s.spend, body: { amount_cents: 3200 } });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ status: 'captured', captured_amount_cents: 3200, released_amount_cents: 1800, resolved_at: expect.any(String) });
    expect(await walletBalance(s)).toEqual({ available: before.available - 3200, held: before.held });
    expect((await ledgerOf(s, r.body.id)).map((t) => t.type)).toEqual(['hold', 'capture']);
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['reservation.reserved', 'reservation.captured']);
    const list = await api(s.url, 'GET', '/v1/spend-guard/reservations?status=captured', { key: s.mgmt });
    expect(list.body.data.map((x: any) => x.id)).toContain(r.body.id);
    const got = await api(s.url, 'GET', `/v1/spend-guard/reservations/${r.body.id}`, { key: s.spend });
    expect(got.body.status).toBe('captured');
  });

  it('release returns everything; the same idempotency key replays', async () => {
    const r = await reserve(s.spend, { amount_cents: 700 });
    expect(r.body).toMatchObject({ status: 'reserved', merchant_name: 'unspecified' });
    const rel = await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/release`, { key: s.spend, headers: { 'idempotency-key': 'rel-1' } });
    expect(rel.body).toMatchObject({ status: 'released', captured_amount_cents: null, released_amount_cents: 700 });
    const again = await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/release`, { key: s.spend, headers: { 'idempotency-key': 'rel-1' } });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(rel.body);
  });

  it('a management key reserves for a named agent; over the threshold it needs approval and the approval reserves it', async () => {
    const ag = await freshAgent(s, { require_approval_over_cents: 1000 }, 'approver');
    const r = await reserve(s.mgmt, { amount_cents: 2000, agent_id: ag.agentId });
    expect(r.body).toMatchObject({ status: 'needs_approval', approval_url: expect.any(String), decision_code: 'requires_approval' });
    const ok = await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const got = await api(s.url, 'GET', `/v1/spend-guard/reservations/${r.body.id}`, { key: s.mgmt });
    expect(got.body.status).toBe('reserved');
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['reservation.needs_approval', 'reservation.reserved']);
  });

  it('expires on its own and releases the hold', async () => {
    const ag = await freshAgent(s, {}, 'expiring');
    const r = await reserve(ag.key, { amount_cents: 300, ttl_seconds: 1 });
    expect(r.body.status).toBe('reserved');
    const got = await eventually(async () => {
      const g = await api(s.url, 'GET', `/v1/spend-guard/reservations/${r.body.id}`, { key: ag.key });
      return g.body.status === 'expired' ? g.body : null;
    });
    expect(got).toMatchObject({ status: 'expired', released_amount_cents: 300, captured_amount_cents: null });
    const cap = await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/capture`, { key: ag.key });
    expect(cap.status).toBe(409);
  });
});

describe('authorize and estimate', () => {
  it('authorize answers allow, deny and approval_required and changes nothing at all', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 10_000, require_approval_over_cents: 5000, blocked_merchants: ['Casino'] }, 'authz');
    const ask = (body: Record<string, unknown>) => api(s.url, 'POST', '/v1/spend-guard/authorize', { key: ag.key, body: { currency: 'usd', merchant_name: 'AWS', ...body } });
    await expectNoStateChange(s, async () => {
      expect((await ask({ amount_cents: 1000 })).body).toMatchObject({ decision: 'allow', reasons: [], remaining_budget_cents: 10_000, budget_period: 'monthly' });
      expect((await ask({ amount_cents: 6000 })).body).toMatchObject({ decision: 'approval_required', reasons: [{ code: 'requires_approval' }] });
      const deny = await ask({ amount_cents: 1000, merchant_name: 'casino' });
      expect(deny.body).toMatchObject({ decision: 'deny', reasons: [{ code: 'merchant_blocked' }] });
      expect((await ask({ amount_cents: 20_000 })).body.reasons.map((r: any) => r.code)).toEqual(['requires_approval', 'exceeds_monthly_budget']);
    });
  });

  it('estimates token and tool costs from the operator price catalog, rounding up to whole cents', async () => {
    const put = await api(s.url, 'POST', '/v1/spend-guard/prices', {
      key: s.mgmt,
      body: { kind: 'model', name: 'gpt-test', currency: 'USD', merchant_name: 'OpenAI', input_per_million_cents: 250, output_per_million_cents: 1000 },
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await api(s.url, 'POST', '/v1/spend-guard/prices', { key: s.mgmt, body: { kind: 'tool', name: 'web-search', currency: 'usd', per_call_cents: 0.5 } });
    const list = await api(s.url, 'GET', '/v1/spend-guard/prices', { key: s.spend });
    expect(list.body.data.map((p: any) => p.name)).toEqual(expect.arrayContaining(['gpt-test', 'web-search']));
    const est = await api(s.url, 'POST', '/v1/spend-guard/estimate', { key: s.spend, body: { kind: 'token', model: 'gpt-test', input_tokens: 1_000_000, output_tokens: 300_001 } });
    expect(est.status, JSON.stringify(est.body)).toBe(200);
    // 250 + 300.001 cents → 551 whole cents.
    expect(est.body).toMatchObject({ object: 'estimate', kind: 'token', estimated_cost_cents: 551, currency: 'usd', merchant_name: 'OpenAI', decision: 'allow' });
    const tool = await api(s.url, 'POST', '/v1/spend-guard/estimate', { key: s.spend, body: { kind: 'tool', tool: 'web-search', calls: 3 } });
    expect(tool.body).toMatchObject({ estimated_cost_cents: 2, decision: 'allow' });
    const pay = await api(s.url, 'POST', '/v1/spend-guard/estimate', { key: s.spend, body: { kind: 'payment', amount_cents: 1234, currency: 'usd', merchant_name: 'AWS' } });
    expect(pay.body).toMatchObject({ estimated_cost_cents: 1234, decision: 'allow' });
    const del = await api(s.url, 'POST', '/v1/spend-guard/estimate', { key: s.spend, body: { kind: 'delegated', amount_cents: 99_999_999, currency: 'usd' } });
    expect(del.body).toMatchObject({ kind: 'delegated', decision: 'deny' });
  });

  it('summarizes control-plane events by type, agent and day', async () => {
    const ag = await freshAgent(s, {}, 'summarized');
    await reserve(ag.key, { amount_cents: 100 });
    await reserve(ag.key, { amount_cents: 250 });
    const r = await api(s.url, 'GET', `/v1/spend-guard/usage/summary?agent_id=${ag.agentId}`, { key: s.mgmt });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    // The agent's key.created event counts too (it names the agent), with no amount.
    expect(r.body.totals).toEqual({ count: 3, amount_cents: 350 });
    expect(r.body.by_type).toEqual([
      { type: 'key.created', count: 1, amount_cents: 0 },
      { type: 'reservation.reserved', count: 2, amount_cents: 350 },
    ]);
    expect(r.body.by_agent).toEqual([{ agent_id: ag.agentId, count: 3, amount_cents: 350 }]);
    expect(r.body.by_day).toEqual([{ day: new Date().toISOString().slice(0, 10), count: 3, amount_cents: 350 }]);
    expect(r.body.groups).toHaveLength(2);
    const mine = await api(s.url, 'GET', '/v1/spend-guard/usage/summary', { key: ag.key });
    expect(mine.body.totals).toEqual(r.body.totals);
  });
});

describe('budget leases', () => {
  it('a lease leaves the parent budget, bounds the child, and release returns the unspent rest', async () => {
    const { parent, child } = await parentAndChild(10_000);
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: child.agentId, amount_cents: 4000, currency: 'usd' } });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
    expect(lease.body).toMatchObject({ object: 'budget_lease', status: 'active', remaining_cents: 4000, parent_agent_id: parent.agentId, source_lease_id: null });
    const bal = await api(s.url, 'GET', '/v1/balance', { key: parent.key });
    expect(bal.body.remaining_budget_cents).toBe(6000);
    // The child spends only from its lease: 3000 fits, then 1500 does not.
    const a = await reserve(child.key, { amount_cents: 3000 });
    expect(a.body).toMatchObject({ status: 'reserved', lease_id: lease.body.id });
    await api(s.url, 'POST', `/v1/spend-guard/reservations/${a.body.id}/capture`, { key: child.key, body: { amount_cents: 2500 } });
    const b = await api(s.url, 'POST', '/v1/spend', { key: child.key, body: { amount_cents: 1600, currency: 'usd', merchant_name: 'AWS', reason: 'x' } });
    expect(b.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_total_budget' });
    const listed = await api(s.url, 'GET', `/v1/spend-guard/budget-leases?agent_id=${child.agentId}`, { key: s.mgmt });
    expect(listed.body.data[0]).toMatchObject({ id: lease.body.id, spent_cents: 2500, remaining_cents: 1500 });
    // An open hold on the lease outlives the release: only the unheld, unspent rest returns.
    const open = await reserve(child.key, { amount_cents: 500 });
    const rel = await api(s.url, 'POST', `/v1/spend-guard/budget-leases/${lease.body.id}/release`, { key: parent.key });
    expect(rel.status, JSON.stringify(rel.body)).toBe(200);
    expect(rel.body).toMatchObject({ status: 'released', spent_cents: 2500, held_cents: 500, remaining_cents: 0 });
    expect((await api(s.url, 'GET', `/v1/spend-guard/reservations/${open.body.id}`, { key: child.key })).body.status).toBe('reserved');
    const after = await api(s.url, 'GET', '/v1/balance', { key: parent.key });
    expect(after.body.budgets[0]).toMatchObject({ spent_cents: 2500, held_cents: 500, remaining_cents: 7000 });
    // Captured later, it is charged to the parent through the released lease, once.
    const cap = await api(s.url, 'POST', `/v1/spend-guard/reservations/${open.body.id}/capture`, { key: child.key, body: { amount_cents: 300 } });
    expect(cap.body).toMatchObject({ status: 'captured', captured_amount_cents: 300 });
    const settled = await api(s.url, 'GET', '/v1/balance', { key: parent.key });
    expect(settled.body.budgets[0]).toMatchObject({ spent_cents: 2800, held_cents: 0, remaining_cents: 7200 });
    const leases = await api(s.url, 'GET', `/v1/spend-guard/budget-leases?agent_id=${child.agentId}`, { key: s.mgmt });
    expect(leases.body.data[0]).toMatchObject({ id: lease.body.id, status: 'released', spent_cents: 2800, held_cents: 0 });
  });

  /** A child whose policy has no budgets, with a lease of 3000 from its parent and 2000 of it held. */
  async function leasedChild(childPolicy: Record<string, unknown> = {}) {
    const { parent, child } = await parentAndChild(10_000, childPolicy);
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: child.agentId, amount_cents: 3000, currency: 'usd' } });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
    const held = await reserve(child.key, { amount_cents: 2000 });
    expect(held.body).toMatchObject({ status: 'reserved', lease_id: lease.body.id });
    return { parent, child, lease: lease.body };
  }

  it("a leased child's balance shows its lease as its budget, as its next spend is judged", async () => {
    const { child } = await leasedChild();
    const lease = { period: 'total', limit_cents: 3000, spent_cents: 0, held_cents: 2000, remaining_cents: 1000, resets_at: null };
    const bal = await api(s.url, 'GET', '/v1/balance', { key: child.key });
    expect(bal.status, JSON.stringify(bal.body)).toBe(200);
    expect(bal.body).toMatchObject({ agent_id: child.agentId, budget_period: 'total', remaining_budget_cents: 1000, remaining_monthly_budget_cents: null, budgets: [lease] });
    // The operator sees the same.
    const op = await api(s.url, 'GET', `/v1/balance?agent_id=${child.agentId}`, { key: s.mgmt });
    expect(op.body).toEqual(bal.body);
    // The decision agrees: 2000 does not fit the 1000 left, reported in the same terms.
    const next = await api(s.url, 'POST', '/v1/spend', { key: child.key, body: { amount_cents: 2000, currency: 'usd', merchant_name: 'AWS', reason: 'x' } });
    expect(next.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_total_budget' });
    expect({ budget_period: next.body.budget_period, remaining_budget_cents: next.body.remaining_budget_cents, remaining_monthly_budget_cents: next.body.remaining_monthly_budget_cents })
      .toEqual({ budget_period: bal.body.budget_period, remaining_budget_cents: bal.body.remaining_budget_cents, remaining_monthly_budget_cents: bal.body.remaining_monthly_budget_cents });
  });

  it("an approval under a lease shows by how much approving would exceed the lease, as the approve call answers", async () => {
    const { child } = await leasedChild({ require_approval_over_cents: 2500 });
    const r = await api(s.url, 'POST', '/v1/spend', { key: child.key, body: { amount_cents: 2600, currency: 'usd', merchant_name: 'AWS', reason: 'x' } });
    expect(r.body).toMatchObject({ status: 'needs_approval', decision_code: 'requires_approval' });
    expect(r.body.violations.map((v: { code: string }) => v.code)).toEqual(['requires_approval', 'exceeds_total_budget']);
    // 2000 held of 3000: 2600 more exceeds the lease by 1600.
    const got = await api(s.url, 'GET', `/v1/approvals/${r.body.approval_id}`, { key: s.mgmt });
    expect(got.body).toMatchObject({ status: 'pending', budget_period: 'total', exceeds_budget_by_cents: 1600 });
    const listed = await api(s.url, 'GET', '/v1/approvals?status=pending&limit=100', { key: s.mgmt });
    expect(listed.body.data.find((a: { id: string }) => a.id === r.body.approval_id)).toEqual(got.body);
    expect((await eventsOf(s, r.body.approval_id)).map((e) => [e.type, e.object.exceeds_budget_by_cents])).toEqual([['approval.created', 1600]]);
    const approve = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} }));
    expectError(approve, 409, 'budget_exceeded');
    expect(approve.body.error).toMatchObject({ exceeds_budget_by_cents: 1600, budget_period: 'total' });
    expect(approve.body.error.message).toContain('by 1600 cents');
  });

  it('revoking the child ends its lease and open reservations at once', async () => {
    const { parent, child } = await parentAndChild(10_000);
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: s.mgmt, body: { parent_agent_id: parent.agentId, child_agent_id: child.agentId, amount_cents: 2000, currency: 'usd' } });
    const open = await reserve(child.key, { amount_cents: 800 });
    expect(open.body.status).toBe('reserved');
    expect((await api(s.url, 'DELETE', `/v1/agents/${child.agentId}`, { key: s.mgmt })).status).toBe(200);
    const l = await api(s.url, 'GET', `/v1/spend-guard/budget-leases?agent_id=${child.agentId}`, { key: s.mgmt });
    expect(l.body.data[0]).toMatchObject({ id: lease.body.id, status: 'revoked', spent_cents: 0 });
    expect((await api(s.url, 'GET', `/v1/spend-guard/reservations/${open.body.id}`, { key: s.mgmt })).body.status).toBe('released');
    expect((await api(s.url, 'GET', '/v1/balance', { key: parent.key })).body.remaining_budget_cents).toBe(10_000);
  });
});
