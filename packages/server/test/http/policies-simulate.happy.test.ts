import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copiesOfDecision } from '../helpers/history.js';
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
  /** The answer to `Accept: application/x-ndjson`, one parsed object per line. */
  async function simulateWithProgress(policyId: string, body: Record<string, unknown>): Promise<{ status: number; type: string | null; lines: any[] }> {
    const res = await fetch(`${s.url}/v1/policies/${policyId}/simulate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.mgmt}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    expect(text.endsWith('\n'), text).toBe(true);
    return { status: res.status, type: res.headers.get('content-type'), lines: text.trimEnd().split('\n').map((l) => JSON.parse(l)) };
  }

  it('with Accept: application/x-ndjson, reports progress page by page, then the same policy_simulation', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'watched');
    const [first] = await spendTimes(ag, 1, 1_000);
    await copiesOfDecision(s, first.id, 2_499);
    const draft = { draft: { max_single_amount_cents: 500 } };
    const r = await expectNoStateChange(s, () => simulateWithProgress(ag.policyId, draft));
    expect(r.status).toBe(200);
    expect(r.type).toMatch(/^application\/x-ndjson/);
    const result = r.lines.at(-1);
    const progress = r.lines.slice(0, -1);
    // Told at once how many there are, then after each page of 1,000.
    expect(progress).toEqual([
      { object: 'progress', evaluated: 0, total: 2_500 },
      { object: 'progress', evaluated: 1_000, total: 2_500 },
      { object: 'progress', evaluated: 2_000, total: 2_500 },
    ]);
    expect(result).toMatchObject({ object: 'policy_simulation', evaluated: 2_500, changes: { approved_to_declined: 2_500 } });
    // The JSON answer is unchanged, and the same (but for its default range, which ends at its own now).
    const plain = await simulate(ag.policyId, draft);
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect({ ...plain.body, from: null, to: null }).toEqual({ ...result, from: null, to: null });
  });

  it('with Accept: application/x-ndjson, an empty range is one progress line and the result; a refusal before the replay is the usual error', async () => {
    const ag = await freshAgent(s, {}, 'quiet');
    const r = await simulateWithProgress(ag.policyId, { draft: {} });
    expect(r.lines).toEqual([{ object: 'progress', evaluated: 0, total: 0 }, expect.objectContaining({ object: 'policy_simulation', evaluated: 0 })]);
    const missing = await fetch(`${s.url}/v1/policies/pol_missing/simulate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.mgmt}`, 'content-type': 'application/json', accept: 'application/x-ndjson' },
      body: JSON.stringify({ draft: {} }),
    });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
