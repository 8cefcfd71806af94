import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, expectNoStateChange, freshAgent, ledgerOf, listAll, walletBalance } from './support.js';

/** The default policy's shape: monthly 50000, a human decides over 25000. */
const policy = { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 };

describe('approvals', () => {
  let s: TestServer;
  let mgmtKeyId: string;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
    const keys = await listAll(s, '/v1/api-keys', s.mgmt);
    mgmtKeyId = keys.find((k) => k.type === 'management').id;
  });
  afterAll(() => s.close());

  it('queues a request over the threshold and lists it under its status', async () => {
    const ag = await freshAgent(s, policy, 'queued');
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(30_000, { merchant_name: 'OpenAI', reason: 'gpu hours' }) });
    expect(spend.body).toMatchObject({ status: 'needs_approval', decision_code: 'requires_approval', approval_id: expect.stringMatching(/^apr_/) });

    const pending = await api(s.url, 'GET', '/v1/approvals?status=pending', { key: s.mgmt });
    expect(pending.status).toBe(200);
    const item = pending.body.data.find((a: any) => a.id === spend.body.approval_id);
    expect(item).toEqual({
      id: spend.body.approval_id,
      object: 'approval',
      spend_request_id: spend.body.id,
      status: 'pending',
      amount_cents: 30_000,
      currency: 'usd',
      merchant_name: 'OpenAI',
      agent_id: ag.agentId,
      agent_name: 'queued',
      reason: 'gpu hours',
      decision_reason: 'Amount requires approval',
      budget_period: 'monthly',
      exceeds_budget_by_cents: 0,
      budget: { period: 'monthly', lease_id: null, limit_cents: 50_000, spent_cents: 0, held_cents: 0, exceeds_by_cents: 0 },
      note: null,
      decided_by: null,
      override_budget: false,
      approvals: [],
      approvals_required: 1,
      created_at: spend.body.created_at,
      decided_at: null,
      expires_at: spend.body.expires_at,
    });
    // Pending approvals expire after the default 24 h.
    expect(Date.parse(item.expires_at) - Date.parse(item.created_at)).toBe(24 * 3600 * 1000);

    for (const status of ['approved', 'declined', 'expired']) {
      const other = await api(s.url, 'GET', `/v1/approvals?status=${status}`, { key: s.mgmt });
      expect(other.body.data.some((a: any) => a.id === item.id)).toBe(false);
      expect(other.body.data.every((a: any) => a.status === status)).toBe(true);
    }
    const got = await api(s.url, 'GET', `/v1/approvals/${item.id}`, { key: s.mgmt });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(item);
  });

  it('approving holds the money, answers approved, and emits the events', async () => {
    const ag = await freshAgent(s, policy, 'approved');
    const spend = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(30_000) });
    const before = await walletBalance(s);

    const r = await api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/approve`, { key: s.mgmt, body: { note: 'ok for Q3' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      id: spend.body.approval_id,
      status: 'approved',
      note: 'ok for Q3',
      decided_by: mgmtKeyId,
      override_budget: false,
      exceeds_budget_by_cents: 0,
      decided_at: expect.any(String),
      spend_request: {
        id: spend.body.id,
        status: 'approved',
        decision_code: 'approved',
        decision_reason: 'Approved by operator',
        budget_period: 'monthly',
        remaining_budget_cents: 20_000,
        remaining_monthly_budget_cents: 20_000,
        amount_cents: 30_000,
      },
    });
    expect(r.body.spend_request).not.toHaveProperty('approval_url');
    expect(Date.parse(r.body.spend_request.expires_at) - Date.parse(r.body.decided_at)).toBe(7 * 24 * 3600 * 1000);

    expect(await walletBalance(s)).toEqual({ available: before.available - 30_000, held: before.held + 30_000 });
    const txns = await ledgerOf(s, spend.body.id);
    expect(txns).toHaveLength(1);
    expect(txns[0]).toMatchObject({
      type: 'hold',
      postings: [
        { account: `${s.walletId}:available`, amount_cents: -30_000, currency: 'usd' },
        { account: `${s.walletId}:held`, amount_cents: 30_000, currency: 'usd' },
      ],
    });
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.budgets).toEqual([expect.objectContaining({ period: 'monthly', spent_cents: 0, held_cents: 30_000, remaining_cents: 20_000 })]);

    const seen = await api(s.url, 'GET', `/v1/spend-requests/${spend.body.id}`, { key: ag.key });
    expect(seen.body).toEqual(r.body.spend_request);

    expect((await eventsOf(s, spend.body.approval_id)).map((e) => [e.type, e.object.status])).toEqual([['approval.created', 'pending'], ['approval.approved', 'approved']]);
    expect((await eventsOf(s, spend.body.id)).map((e) => [e.type, e.object.status])).toEqual([
      ['spend_request.needs_approval', 'needs_approval'],
      ['spend_request.approved', 'approved'],
    ]);

    // Deciding it again is a 409 and changes nothing.
    const again = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/approve`, { key: s.mgmt, body: {} }));
    expectError(again, 409, 'invalid_state');
    expect(again.body.error.status).toBe('approved');
    const decline = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/decline`, { key: s.mgmt, body: {} }));
    expectError(decline, 409, 'invalid_state');

    // The agent can now complete it.
    const done = await api(s.url, 'POST', `/v1/spend-requests/${spend.body.id}/complete`, { key: ag.key, body: {} });
    expect(done.body).toMatchObject({ status: 'completed', captured_amount_cents: 30_000 });
  });

  it('approve and decline need no body at all', async () => {
    const ag = await freshAgent(s, policy, 'no-body');
    const a = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(26_000) });
    const b = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(26_000) });
    const approved = await api(s.url, 'POST', `/v1/approvals/${a.body.approval_id}/approve`, { key: s.mgmt });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ status: 'approved', note: null });
    const declined = await api(s.url, 'POST', `/v1/approvals/${b.body.approval_id}/decline`, { key: s.mgmt });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', note: null });
  });

  it('shows by how much a pending request would exceed; approving one that no longer fits is a 409 budget_exceeded and it stays pending; override_budget approves it', async () => {
    const ag = await freshAgent(s, policy, 'over');
    const big = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(30_000) });
    expect(big.body.status).toBe('needs_approval');
    const fitting = async () => (await api(s.url, 'GET', `/v1/approvals/${big.body.approval_id}`, { key: s.mgmt })).body.exceeds_budget_by_cents;
    expect(await fitting()).toBe(0);

    // Meanwhile the agent spends 48000 of its 50000.
    for (const amount of [24_000, 24_000]) {
      expect((await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(amount) })).body.status).toBe('approved');
    }
    expect(await fitting()).toBe(28_000);
    const listed = await api(s.url, 'GET', '/v1/approvals?status=pending&limit=100', { key: s.mgmt });
    expect(listed.body.data.find((a: any) => a.id === big.body.approval_id).exceeds_budget_by_cents).toBe(28_000);

    const refused = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${big.body.approval_id}/approve`, { key: s.mgmt, body: { note: 'please' } }));
    expectError(refused, 409, 'budget_exceeded');
    expect(refused.body.error).toMatchObject({ exceeds_budget_by_cents: 28_000, budget_period: 'monthly' });
    expect((await api(s.url, 'GET', `/v1/approvals/${big.body.approval_id}`, { key: s.mgmt })).body.status).toBe('pending');
    expect((await api(s.url, 'GET', `/v1/spend/${big.body.id}`, { key: ag.key })).body.status).toBe('needs_approval');

    const before = await walletBalance(s);
    const forced = await api(s.url, 'POST', `/v1/approvals/${big.body.approval_id}/approve`, { key: s.mgmt, body: { override_budget: true, note: 'launch week' } });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({
      status: 'approved',
      override_budget: true,
      note: 'launch week',
      spend_request: { status: 'approved', decision_reason: 'Approved by operator with a budget override', remaining_budget_cents: 0 },
    });
    expect(await walletBalance(s)).toEqual({ available: before.available - 30_000, held: before.held + 30_000 });
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.budgets[0]).toMatchObject({ period: 'monthly', held_cents: 78_000, remaining_cents: 0 });

    const audit = await s.server.db.db.selectFrom('audit_log').selectAll().where('object_id', '=', big.body.approval_id).execute();
    expect(audit.map((a) => a.action)).toEqual(['approval.approved_with_override']);
    expect(JSON.parse(audit[0]!.after!)).toMatchObject({ override_budget: true, note: 'launch week', exceeds_budget_by_cents: 28_000 });

    // The history keeps the figure the server computed at the moment of approval, whatever moves later.
    const figure = { period: 'monthly', lease_id: null, limit_cents: 50_000, spent_cents: 0, held_cents: 48_000, exceeds_by_cents: 28_000 };
    expect(forced.body).toMatchObject({ exceeds_budget_by_cents: 28_000, budget: figure });
    const later = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(1000) });
    expect(later.body.status).toBe('declined');
    expect((await api(s.url, 'GET', `/v1/approvals/${big.body.approval_id}`, { key: s.mgmt })).body).toMatchObject({ exceeds_budget_by_cents: 28_000, budget: figure });
    expect(JSON.parse(audit[0]!.after!).budget).toEqual(figure);
  });

  it('override_budget on a request that fits is an ordinary approval', async () => {
    const ag = await freshAgent(s, policy, 'override-fits');
    const spend = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(30_000) });
    const r = await api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/approve`, { key: s.mgmt, body: { override_budget: true } });
    expect(r.body).toMatchObject({ status: 'approved', override_budget: false, spend_request: { decision_reason: 'Approved by operator' } });
  });

  it('declining with a note records it, holds nothing and declines the request', async () => {
    const ag = await freshAgent(s, policy, 'declined');
    const spend = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(40_000) });
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/decline`, { key: s.mgmt, body: { note: 'too pricey' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'declined',
      note: 'too pricey',
      decided_by: mgmtKeyId,
      override_budget: false,
      spend_request: { id: spend.body.id, status: 'declined', decision_code: 'declined_by_operator', decision_reason: 'Declined by operator', expires_at: null },
    });
    expect(await walletBalance(s)).toEqual(before);
    expect(await ledgerOf(s, spend.body.id)).toEqual([]);
    expect((await api(s.url, 'GET', `/v1/spend-requests/${spend.body.id}`, { key: ag.key })).body.status).toBe('declined');
    expect((await eventsOf(s, spend.body.approval_id)).map((e) => e.type)).toEqual(['approval.created', 'approval.declined']);

    const declined = await api(s.url, 'GET', '/v1/approvals?status=declined', { key: s.mgmt });
    expect(declined.body.data.map((a: any) => a.id)).toContain(spend.body.approval_id);
    const again = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/approvals/${spend.body.approval_id}/approve`, { key: s.mgmt, body: {} }));
    expectError(again, 409, 'invalid_state');
  });

  it('pages through the queue newest first', async () => {
    const ag = await freshAgent(s, { require_approval_over_cents: 0 }, 'many');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100 + i) })).body.approval_id);
    const p1 = await api(s.url, 'GET', '/v1/approvals?status=pending&limit=3', { key: s.mgmt });
    expect(p1.body.data.map((a: any) => a.id)).toEqual(ids.slice(-3).reverse());
    expect(p1.body).toMatchObject({ has_more: true, next_cursor: ids[2] });
    const p2 = await api(s.url, 'GET', `/v1/approvals?status=pending&limit=3&cursor=${p1.body.next_cursor}`, { key: s.mgmt });
    expect(p2.body.data.slice(0, 2).map((a: any) => a.id)).toEqual([ids[1], ids[0]]);
  });
});
