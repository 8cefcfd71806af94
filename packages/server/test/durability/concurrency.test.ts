import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

/** Creates a policy with the given monthly budget and an agent + spending key under it. */
async function agentWithBudget(s: TestServer, monthly: number): Promise<string> {
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: `budget ${monthly}`, monthly_limit_cents: monthly } });
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'racer', policy_id: pol.body.id } });
  const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
  return key.body.key as string;
}

describe('no overspend under concurrency', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    // Enough money that only the budget binds.
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 10_000_000 } });
  });
  afterAll(() => s.close());

  it('approves exactly 50 of 400 racing requests of 1000 against a 50000 budget', async () => {
    const key = await agentWithBudget(s, 50_000);
    const results = await Promise.all(
      Array.from({ length: 400 }, (_, i) =>
        api(s.url, 'POST', '/v1/spend-requests', { key, body: spendBody(1000), headers: { 'idempotency-key': `race-${i}` } }),
      ),
    );
    expect(results.every((r) => r.status === 200)).toBe(true);
    const approved = results.filter((r) => r.body.status === 'approved');
    const declined = results.filter((r) => r.body.status === 'declined');
    expect(approved).toHaveLength(50);
    expect(declined).toHaveLength(350);
    expect(declined.every((r) => r.body.decision_code === 'exceeds_monthly_budget')).toBe(true);
    const balance = await api(s.url, 'GET', '/v1/balance', { key });
    expect(balance.body.budgets[0]).toMatchObject({ limit_cents: 50_000, held_cents: 50_000, remaining_cents: 0 });
    const verify = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(verify.body.ok).toBe(true);
  });

  it('never approves more than the budget for random racing amounts (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 40_000 }),
        fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 10, maxLength: 60 }),
        async (budget, amounts) => {
          const key = await agentWithBudget(s, budget);
          const results = await Promise.all(amounts.map((a) => api(s.url, 'POST', '/v1/spend', { key, body: spendBody(a) })));
          const approvedTotal = results.filter((r) => r.body.status === 'approved').reduce((sum, r) => sum + r.body.amount_cents, 0);
          expect(approvedTotal).toBeLessThanOrEqual(budget);
          // Every budget decline was right when it was decided: the request did not fit what was left then.
          for (const r of results.filter((x) => x.body.decision_code === 'exceeds_monthly_budget')) {
            expect(r.body.amount_cents).toBeGreaterThan(r.body.remaining_budget_cents);
          }
          const balance = await api(s.url, 'GET', '/v1/balance', { key });
          expect(balance.body.budgets[0].held_cents).toBe(approvedTotal);
        },
      ),
      { numRuns: 8 },
    );
    const verify = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(verify.body.ok).toBe(true);
  });
});
