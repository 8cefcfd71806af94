import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent, type FreshAgent } from './support.js';

describe('spend analytics', () => {
  let s: TestServer;
  let alpha: FreshAgent;
  let beta: FreshAgent;
  let gamma: FreshAgent;
  const today = new Date().toISOString().slice(0, 10);

  const analytics = async (query: string) => {
    const r = await api(s.url, 'GET', `/v1/analytics/spend?${query}`, { key: s.mgmt });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return r.body;
  };
  const spend = async (a: FreshAgent, amount: number, extra: Record<string, unknown> = {}) => {
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: spendBody(amount, extra) });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    return r.body;
  };

  beforeAll(async () => {
    s = await startTestServer();
    const eur = await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'eur' } });
    await api(s.url, 'POST', `/v1/wallets/${eur.body.id}/fund`, { key: s.mgmt, body: { amount_cents: 100_000 } });
    alpha = await freshAgent(s, {}, 'alpha');
    beta = await freshAgent(s, { max_single_amount_cents: 500 }, 'beta');
    gamma = await freshAgent(s, { currency: 'eur' }, 'gamma');
    expect((await spend(alpha, 1000, { category: 'compute' })).status).toBe('approved');
    const captured = await spend(alpha, 2000, { merchant_name: 'openai.com' });
    expect((await api(s.url, 'POST', `/v1/spend-requests/${captured.id}/complete`, { key: alpha.key, body: { amount_cents: 1500 } })).status).toBe(200);
    expect((await spend(beta, 900)).decision_code).toBe('exceeds_single_limit');
    expect((await spend(beta, 300, { merchant_name: 'OpenAI' })).status).toBe('approved');
    expect((await spend(gamma, 700, { currency: 'eur' })).status).toBe('approved');
  });
  afterAll(() => s.close());

  it('sums by agent per currency, top spenders first, with names and per-currency totals', async () => {
    const body = await analytics('group_by=agent');
    expect(body).toMatchObject({ object: 'spend_analytics', group_by: 'agent', interval: null, has_more: false });
    expect(Date.parse(body.to) - Date.parse(body.from)).toBe(30 * 86_400_000);
    expect(Math.abs(Date.parse(body.to) - Date.now())).toBeLessThan(60_000);
    expect(body.data).toEqual([
      {
        key: alpha.agentId, label: 'alpha', period_start: null, currency: 'usd', request_count: 2, approved_count: 2, declined_count: 0, pending_count: 0,
        spent_cents: 2500, held_cents: 1000, captured_cents: 1500, declined_cents: 0,
      },
      {
        key: gamma.agentId, label: 'gamma', period_start: null, currency: 'eur', request_count: 1, approved_count: 1, declined_count: 0, pending_count: 0,
        spent_cents: 700, held_cents: 700, captured_cents: 0, declined_cents: 0,
      },
      {
        key: beta.agentId, label: 'beta', period_start: null, currency: 'usd', request_count: 2, approved_count: 1, declined_count: 1, pending_count: 0,
        spent_cents: 300, held_cents: 300, captured_cents: 0, declined_cents: 900,
      },
    ]);
    expect(body.totals).toEqual([
      { currency: 'eur', request_count: 1, approved_count: 1, declined_count: 0, pending_count: 0, spent_cents: 700, held_cents: 700, captured_cents: 0, declined_cents: 0 },
      { currency: 'usd', request_count: 4, approved_count: 3, declined_count: 1, pending_count: 0, spent_cents: 2800, held_cents: 1300, captured_cents: 1500, declined_cents: 900 },
    ]);
  });

  it('sums by normalized merchant, never across currencies', async () => {
    const body = await analytics('group_by=merchant');
    const rows = body.data.map((r: any) => [r.key, r.currency, r.spent_cents, r.request_count]);
    expect(rows).toEqual([['openai', 'usd', 1800, 2], ['aws', 'usd', 1000, 2], ['aws', 'eur', 700, 1]]);
    expect(['OpenAI', 'openai.com']).toContain(body.data[0].label);
    expect(body.data[1].label).toBe('AWS');
  });

  it('sums by policy and by category, naming each', async () => {
    const policies = await analytics('group_by=policy&currency=usd');
    expect(policies.data.map((r: any) => [r.key, r.label, r.spent_cents])).toEqual([
      [alpha.policyId, 'policy for alpha', 2500],
      [beta.policyId, 'policy for beta', 300],
    ]);
    expect(policies.totals.map((t: any) => t.currency)).toEqual(['usd']);
    const categories = await analytics('group_by=category&currency=usd');
    expect(categories.data.map((r: any) => [r.key, r.label, r.spent_cents])).toEqual([
      [null, 'No category', 1800],
      ['compute', 'compute', 1000],
    ]);
  });

  it('counts declines by reason, and by reason over UTC days', async () => {
    const reasons = await analytics('group_by=decline_reason');
    expect(reasons.data).toEqual([expect.objectContaining({
      key: 'exceeds_single_limit', label: 'Over the single-request limit', currency: 'usd', declined_count: 1, declined_cents: 900, spent_cents: 0, period_start: null,
    })]);
    const overTime = await analytics('group_by=decline_reason&interval=day');
    expect(overTime.interval).toBe('day');
    expect(overTime.data).toEqual([expect.objectContaining({ key: 'exceeds_single_limit', period_start: `${today}T00:00:00.000Z`, declined_count: 1 })]);
  });

  it('sums by UTC day and hour, oldest first', async () => {
    const days = await analytics('group_by=day');
    expect(days.data.map((r: any) => [r.key, r.label, r.period_start, r.currency, r.spent_cents])).toEqual([
      [today, today, `${today}T00:00:00.000Z`, 'usd', 2800],
      [today, today, `${today}T00:00:00.000Z`, 'eur', 700],
    ]);
    const hours = await analytics('group_by=hour&currency=eur');
    expect(hours.data).toHaveLength(1);
    expect(hours.data[0].period_start).toMatch(new RegExp(`^${today}T\\d{2}:00:00\\.000Z$`));
    expect(hours.data[0].key).toBe(`${hours.data[0].period_start.slice(0, 13)}:00Z`);
  });

  it('filters by agent, policy, range and budget source, and caps the rows', async () => {
    const mine = await analytics(`group_by=merchant&agent_id=${beta.agentId}`);
    expect(mine.data.map((r: any) => [r.key, r.request_count])).toEqual([['openai', 1], ['aws', 1]]);
    expect(mine.totals).toHaveLength(1);
    expect((await analytics(`group_by=agent&policy_id=${gamma.policyId}`)).data.map((r: any) => r.key)).toEqual([gamma.agentId]);
    const [future, farther] = [1, 2].map((h) => new Date(Date.now() + h * 3_600_000).toISOString());
    const later = await analytics(`from=${encodeURIComponent(future!)}&to=${encodeURIComponent(farther!)}`);
    expect(later).toMatchObject({ data: [], totals: [], has_more: false, from: future, to: farther });
    expect((await analytics('budget=lease')).data).toEqual([]);
    expect((await analytics('budget=policy')).totals).toHaveLength(2);
    const top = await analytics('group_by=agent&limit=1');
    expect(top.has_more).toBe(true);
    expect(top.data.map((r: any) => r.key)).toEqual([alpha.agentId]);
    expect(top.totals).toHaveLength(2);
  });

  it('counts a request waiting for a human as pending, not spent', async () => {
    const waiter = await freshAgent(s, { require_approval_over_cents: 100 }, 'waiter');
    expect((await spend(waiter, 5000)).status).toBe('needs_approval');
    const body = await analytics(`agent_id=${waiter.agentId}`);
    expect(body.data).toEqual([expect.objectContaining({ key: waiter.agentId, pending_count: 1, spent_cents: 0, request_count: 1 })]);
  });

  it('sums past 2^31 exactly on either driver', async () => {
    const big = await freshAgent(s, {}, 'big-spender');
    const funded = await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 9_000_000_000 } });
    expect(funded.status, JSON.stringify(funded.body)).toBe(200);
    for (let i = 0; i < 2; i++) expect((await spend(big, 3_000_000_001)).status).toBe('approved');
    const body = await analytics(`agent_id=${big.agentId}&group_by=day`);
    expect(body.data[0]).toMatchObject({ spent_cents: 6_000_000_002, held_cents: 6_000_000_002, request_count: 2 });
    expect(body.totals[0].spent_cents).toBe(6_000_000_002);
  });
});
