import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent } from './support.js';

/** A budget decline says which window or lease, its limit, what was spent and held, and by how much. */
describe('budget declines in words and figures', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
  });
  afterAll(() => s.close());

  it("the issue's example: would exceed the daily budget of $800.00 by $12.34", async () => {
    const ag = await freshAgent(s, { daily_limit_cents: 80_000, monthly_limit_cents: 300_000 }, 'daily');
    const spent = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(70_000) });
    expect((await api(s.url, 'POST', `/v1/spend-requests/${spent.body.id}/complete`, { key: ag.key })).status).toBe(200);
    expect((await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(9_000) })).body.status).toBe('approved');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(2_234) });
    expect(r.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_daily_budget', decision_reason: 'Would exceed the daily budget of $800.00 by $12.34' });
    expect(r.body.violations).toEqual([
      {
        code: 'exceeds_daily_budget', message: 'Would exceed the daily budget of $800.00 by $12.34', period: 'daily',
        limit_cents: 80_000, spent_cents: 70_000, held_cents: 9_000, exceeds_by_cents: 1_234,
      },
    ]);
  });

  it('a lease decline names the lease', async () => {
    const parent = await freshAgent(s, { monthly_limit_cents: 100_000 }, 'parent');
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'kid policy' } });
    const kid = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'kid', policy_id: pol.body.id, parent_agent_id: parent.agentId } });
    const kidKey = (await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: kid.body.id } })).body.key;
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: kid.body.id, amount_cents: 5_000, currency: 'usd' } });
    const r = await api(s.url, 'POST', '/v1/spend', { key: kidKey, body: spendBody(6_000) });
    expect(r.body).toMatchObject({ status: 'declined', decision_code: 'exceeds_total_budget', decision_reason: `Would exceed the budget lease ${lease.body.id} of $50.00 by $10.00` });
    expect(r.body.violations[0]).toMatchObject({ lease_id: lease.body.id, limit_cents: 5_000, spent_cents: 0, held_cents: 0, exceeds_by_cents: 1_000 });
  });
});
