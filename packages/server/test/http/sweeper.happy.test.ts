import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, eventually, expectError, freshAgent, ledgerOf, walletBalance, type FreshAgent } from './support.js';

describe('the expiry sweeper', () => {
  let s: TestServer;
  let ag: FreshAgent;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_APPROVAL_TTL_SECONDS: '1', BURSAR_HOLD_TTL_SECONDS: '1', BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
    ag = await freshAgent(s, { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 }, 'sleepy');
  });
  afterAll(() => s.close());

  it('expires a pending request nobody decided, and its approval', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(30_000) });
    expect(r.body.status).toBe('needs_approval');
    expect(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at)).toBe(1000);
    const before = await walletBalance(s);

    const expired = await eventually(async () => {
      const got = await api(s.url, 'GET', `/v1/spend/${r.body.id}`, { key: ag.key });
      return got.body.status === 'expired' ? got.body : null;
    });
    expect(expired).toMatchObject({ id: r.body.id, status: 'expired', expires_at: null });
    expect(expired).not.toHaveProperty('approval_url');
    const approval = await api(s.url, 'GET', `/v1/approvals/${r.body.approval_id}`, { key: s.mgmt });
    expect(approval.body).toMatchObject({ status: 'expired', decided_by: null, decided_at: expect.any(String) });
    const listed = await api(s.url, 'GET', '/v1/approvals?status=expired', { key: s.mgmt });
    expect(listed.body.data.map((a: any) => a.id)).toContain(r.body.approval_id);
    expect(await walletBalance(s)).toEqual(before);
    expect((await eventsOf(s, r.body.approval_id)).map((e) => e.type)).toEqual(['approval.created', 'approval.expired']);
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['spend_request.needs_approval', 'spend_request.expired']);

    // Too late to decide it now.
    const late = await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} });
    expectError(late, 409, 'invalid_state');
  });

  it('expires an approved hold never completed, and returns its money to available', async () => {
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(4_000) });
    expect(r.body.status).toBe('approved');
    expect(await walletBalance(s)).toEqual({ available: before.available - 4_000, held: before.held + 4_000 });

    const expired = await eventually(async () => {
      const got = await api(s.url, 'GET', `/v1/spend-requests/${r.body.id}`, { key: ag.key });
      return got.body.status === 'expired' ? got.body : null;
    });
    expect(expired).toMatchObject({ status: 'expired', captured_amount_cents: null, expires_at: null });
    expect(await walletBalance(s)).toEqual(before);
    const txns = await ledgerOf(s, r.body.id);
    expect(txns.map((t) => t.type)).toEqual(['hold', 'release']);
    expect(txns[1].postings).toEqual([
      { account: `${s.walletId}:held`, amount_cents: -4_000, currency: 'usd' },
      { account: `${s.walletId}:available`, amount_cents: 4_000, currency: 'usd' },
    ]);
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.budgets[0]).toMatchObject({ held_cents: 0, spent_cents: 0, remaining_cents: 50_000 });
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);

    // An expired hold can no longer be completed.
    const late = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: {} });
    expectError(late, 409, 'invalid_state');
  });

  it('expires the hold of a request an operator approved', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(26_000) });
    const before = await walletBalance(s);
    const approved = await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} });
    expect(approved.status).toBe(200);
    await eventually(async () => (await api(s.url, 'GET', `/v1/spend/${r.body.id}`, { key: ag.key })).body.status === 'expired');
    expect(await walletBalance(s)).toEqual(before);
    // The approval itself stays approved: it was decided.
    expect((await api(s.url, 'GET', `/v1/approvals/${r.body.approval_id}`, { key: s.mgmt })).body.status).toBe('approved');
  });

  it('leaves completed requests alone', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(1_000) });
    await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: {} });
    await new Promise((res) => setTimeout(res, 1500));
    const got = await api(s.url, 'GET', `/v1/spend/${r.body.id}`, { key: ag.key });
    expect(got.body).toMatchObject({ status: 'completed', captured_amount_cents: 1_000 });
  });
});
