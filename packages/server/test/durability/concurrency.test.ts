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

describe('no overspend with many budgets deciding together', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 10_000_000 } });
  });
  afterAll(() => s.close());

  // Decisions of one workspace that arrive together are decided in one batch on PostgreSQL, which
  // reads the budgets of all of them at once: each must still be judged against its own.
  it('approves for each of 12 agents, each on a budget of its own, exactly what its budget holds', async () => {
    const budgets = Array.from({ length: 12 }, (_, i) => 1_000 * (i + 1));
    const keys = await Promise.all(budgets.map((b) => agentWithBudget(s, b)));
    const requests = keys.flatMap((key, i) => Array.from({ length: i + 3 }, () => key));
    const results = await Promise.all(requests.map((key) => api(s.url, 'POST', '/v1/spend-requests', { key, body: spendBody(1_000) })));
    expect(results.every((r) => r.status === 200)).toBe(true);
    for (const [i, key] of keys.entries()) {
      const balance = await api(s.url, 'GET', '/v1/balance', { key });
      // Agent i may hold i + 1 requests of 1000, and asked for i + 3.
      expect(balance.body.budgets[0]).toMatchObject({ limit_cents: budgets[i], held_cents: budgets[i], remaining_cents: 0 });
    }
    const approved = results.filter((r) => r.body.status === 'approved');
    expect(approved).toHaveLength(budgets.reduce((n, b) => n + b / 1_000, 0));
    expect(results.filter((r) => r.body.status === 'declined').every((r) => r.body.decision_code === 'exceeds_monthly_budget')).toBe(true);
    const wallet = (await api(s.url, 'GET', '/v1/balance', { key: keys[0]! })).body.wallet as { held_cents: number };
    expect(wallet.held_cents).toBe(approved.length * 1_000);
    const verify = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(verify.body.ok).toBe(true);
  });
});

describe('no overdraft under concurrency', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('never holds more than the wallet has, across agents of different policies racing one wallet (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1_000, max: 30_000 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 4_000 })), { minLength: 10, maxLength: 60 }),
        async (funds, requests) => {
          // Budgets far above the wallet: only the money binds. Two policies, one wallet.
          const keys = [await agentWithBudget(s, 10_000_000), await agentWithBudget(s, 10_000_000)];
          const wallet = async () => (await api(s.url, 'GET', '/v1/balance', { key: keys[0]! })).body.wallet as { available_cents: number; held_cents: number };
          const before = await wallet();
          // Top the wallet up to exactly `funds` available.
          if (before.available_cents < funds) {
            await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: funds - before.available_cents } });
          }
          const available = Math.max(before.available_cents, funds);
          const results = await Promise.all(requests.map(([first, amount]) => api(s.url, 'POST', '/v1/spend', { key: keys[first ? 0 : 1]!, body: spendBody(amount) })));
          const approved = results.filter((r) => r.body.status === 'approved' || r.body.spend_request?.status === 'approved');
          const approvedTotal = approved.reduce((sum, r) => sum + r.body.amount_cents, 0);
          expect(approvedTotal).toBeLessThanOrEqual(available);
          // Every funding decline was right when it was decided: 402, recorded as declined.
          for (const r of results.filter((x) => x.status === 402)) expect(r.body.error.spend_request.decision_code).toBe('insufficient_funds');
          const after = await wallet();
          expect(after.available_cents).toBe(available - approvedTotal);
          expect(after.held_cents).toBe(before.held_cents + approvedTotal);
        },
      ),
      { numRuns: 6 },
    );
    const verify = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(verify.body.ok).toBe(true);
  });
});
