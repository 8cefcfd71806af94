import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectNoStateChange, freshAgent, type FreshAgent } from './support.js';

describe('policy simulation', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  async function spendTimes(ag: FreshAgent, n: number, amount: number): Promise<any[]> {
    const out = [];
    for (let i = 0; i < n; i++) out.push((await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(amount) })).body);
    return out;
  }
  const simulate = (policyId: string, body: Record<string, unknown>) => api(s.url, 'POST', `/v1/policies/${policyId}/simulate`, { key: s.mgmt, body });

  it('a lower monthly limit would have declined what the first half used up (the issue\'s example), changing nothing', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'backtested');
    const spends = await spendTimes(ag, 10, 1_000);
    expect(spends.every((x) => x.status === 'approved')).toBe(true);
    const r = await expectNoStateChange(s, () => simulate(ag.policyId, { draft: { monthly_limit_cents: 5_000 } }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({
      object: 'policy_simulation',
      evaluated: 10,
      unchanged: 5,
      changes: { approved_to_declined: 5, approved_to_needs_approval: 0, declined_to_approved: 0, needs_approval_to_approved: 0 },
      by_decision_code: { approved: 5, exceeds_monthly_budget: 5 },
    });
    // The last five, in their original order.
    expect(r.body.examples).toEqual(spends.slice(5).map((x) => ({ spend_request_id: x.id, was: 'approved', would_be: 'declined', decision_code: 'exceeds_monthly_budget' })));
    // The policy itself is as it was.
    expect((await api(s.url, 'GET', `/v1/policies/${ag.policyId}`, { key: s.mgmt })).body).toMatchObject({ monthly_limit_cents: 50_000, version: 1 });
  });

  it('a raised limit would have approved what the old one declined', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 3_000 }, 'raised');
    const spends = await spendTimes(ag, 5, 1_000);
    expect(spends.map((x) => x.status)).toEqual(['approved', 'approved', 'approved', 'declined', 'declined']);
    const r = await simulate(ag.policyId, { draft: { monthly_limit_cents: 10_000 } });
    expect(r.body).toMatchObject({ evaluated: 5, unchanged: 3, changes: { declined_to_approved: 2 }, by_decision_code: { approved: 5 } });
    expect(r.body.examples.map((e: any) => e.spend_request_id)).toEqual([spends[3].id, spends[4].id]);
  });

  it('an approval threshold would have sent requests to a human, and lifting it approves them', async () => {
    const ag = await freshAgent(s, { require_approval_over_cents: 500 }, 'approver');
    const spends = await spendTimes(ag, 3, 1_000);
    expect(spends.every((x) => x.status === 'needs_approval')).toBe(true);
    const lifted = await simulate(ag.policyId, { draft: { require_approval_over_cents: null } });
    expect(lifted.body).toMatchObject({ evaluated: 3, changes: { needs_approval_to_approved: 3 } });
    const same = await simulate(ag.policyId, { draft: {} });
    expect(same.body).toMatchObject({ evaluated: 3, unchanged: 3, by_decision_code: { requires_approval: 3 } });
  });

  it('replays only decisions made from `from` to `to`', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'bounded');
    await spendTimes(ag, 4, 1_000);
    const now = Date.now();
    const at = (ms: number) => new Date(ms).toISOString();
    const all = await simulate(ag.policyId, { draft: { monthly_limit_cents: 2_000 }, from: at(now - 3_600_000), to: at(now + 60_000) });
    expect(all.body).toMatchObject({ evaluated: 4, changes: { approved_to_declined: 2 }, from: at(now - 3_600_000), to: at(now + 60_000) });
    const later = await simulate(ag.policyId, { draft: { monthly_limit_cents: 2_000 }, from: at(now + 1_000), to: at(now + 60_000) });
    expect(later.body).toMatchObject({ evaluated: 0, unchanged: 0, by_decision_code: {}, examples: [] });
    const earlier = await simulate(ag.policyId, { draft: {}, from: at(now - 7_200_000), to: at(now - 3_600_000) });
    expect(earlier.body.evaluated).toBe(0);
    // The default: the 30 days up to now.
    expect((await simulate(ag.policyId, { draft: {} })).body).toMatchObject({ evaluated: 4, unchanged: 4 });
  });
});
