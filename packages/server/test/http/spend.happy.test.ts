import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, expectNoStateChange, freshAgent, ledgerOf, listAll, walletBalance } from './support.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('spend requests', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
  });
  afterAll(() => s.close());

  it('approves 12000 of a 50000 monthly budget, leaving 38000, on both paths', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 }, 'paths');
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', '/v1/spend-requests', {
      key: ag.key,
      body: { amount_cents: 12_000, currency: 'USD', merchant_name: 'AWS', reason: 'EC2', category: 'Compute', metadata: { run: 7, ok: true, note: null } },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^req_[0-9a-z]{26}$/),
      object: 'spend_request',
      status: 'approved',
      decision_reason: 'Spend request approved',
      decision_code: 'approved',
      violations: [],
      budget_period: 'monthly',
      remaining_budget_cents: 38_000,
      remaining_monthly_budget_cents: 38_000,
      amount_cents: 12_000,
      currency: 'usd',
      merchant_name: 'AWS',
      category: 'Compute',
      reason: 'EC2',
      metadata: { run: 7, ok: true, note: null },
      agent_id: ag.agentId,
      policy_id: ag.policyId,
      approval_id: null,
      captured_amount_cents: null,
      cancellation_reason: null,
      livemode: false,
      created_at: expect.any(String),
      decided_at: r.body.created_at,
      updated_at: r.body.created_at,
      expires_at: expect.any(String),
      callback_url: null,
      authorization_token: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
    });
    expect(Date.parse(r.body.expires_at) - Date.parse(r.body.created_at)).toBe(7 * 24 * 3600 * 1000);
    expect(await walletBalance(s)).toEqual({ available: before.available - 12_000, held: before.held + 12_000 });

    const alias = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(8_000) });
    expect(alias.status).toBe(200);
    expect(alias.body).toMatchObject({ status: 'approved', remaining_budget_cents: 30_000, remaining_monthly_budget_cents: 30_000 });

    // Both GET paths answer the same object, to the agent and to the operator.
    for (const path of [`/v1/spend-requests/${r.body.id}`, `/v1/spend/${r.body.id}`]) {
      for (const key of [ag.key, s.mgmt]) {
        const got = await api(s.url, 'GET', path, { key });
        expect(got.status).toBe(200);
        expect(got.body).toEqual(r.body);
      }
    }
    const txns = await ledgerOf(s, r.body.id);
    expect(txns.map((t) => t.type)).toEqual(['hold']);
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['spend_request.approved']);
  });

  it('sends a request over the threshold to a human with an approval_url and holds nothing', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000, require_approval_over_cents: 25_000 }, 'human');
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(60_000, { merchant_name: 'OpenAI' }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      status: 'needs_approval',
      decision_code: 'requires_approval',
      decision_reason: 'Amount requires approval',
      remaining_budget_cents: 50_000,
      approval_url: `${s.url}/approvals?spend_request_id=${r.body.id}`,
      approval_id: expect.stringMatching(/^apr_/),
    });
    // Over the threshold and over the budget: both reasons, the threshold first.
    expect(r.body.violations.map((v: any) => v.code)).toEqual(['requires_approval', 'exceeds_monthly_budget']);
    expect(await walletBalance(s)).toEqual(before);
  });

  it('declines a blocked merchant matched through normalization: OPENAI INC against openai.com', async () => {
    const ag = await freshAgent(s, { blocked_merchants: ['openai.com'] }, 'blocked');
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100, { merchant_name: 'OPENAI INC' }) });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ status: 'declined', decision_code: 'merchant_blocked', decision_reason: 'Merchant is blocked by policy', merchant_name: 'OPENAI INC', expires_at: null });
    expect(r.body.violations[0]).toEqual({ code: 'merchant_blocked', message: 'Merchant is blocked by policy' });
    expect(await walletBalance(s)).toEqual(before);
    expect(await ledgerOf(s, r.body.id)).toEqual([]);
    // Another merchant passes.
    expect((await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100, { merchant_name: 'Anthropic' }) })).body.status).toBe('approved');
  });

  it('answers 402 funding_source_budget_exceeded when the wallet is too small, and records the request as declined', async () => {
    const ag = await freshAgent(s, {}, 'big-spender');
    const before = await walletBalance(s);
    const r = await expectNoLedgerChange(s, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(before.available + 1) }));
    expectError(r, 402, 'funding_source_budget_exceeded');
    expect(r.body.error.spend_request_id).toMatch(/^req_/);
    expect(await walletBalance(s)).toEqual(before);
    const recorded = await api(s.url, 'GET', `/v1/spend-requests/${r.body.error.spend_request_id}`, { key: ag.key });
    expect(recorded.status).toBe(200);
    expect(recorded.body).toMatchObject({ status: 'declined', decision_code: 'insufficient_funds', amount_cents: before.available + 1, expires_at: null });
    const declined = await api(s.url, 'GET', `/v1/spend-requests?agent_id=${ag.agentId}&status=declined`, { key: s.mgmt });
    expect(declined.body.data.map((x: any) => x.id)).toEqual([r.body.error.spend_request_id]);
  });

  it('completes with a partial amount, capturing it and releasing the rest', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'partial');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(10_000) });
    const held = await walletBalance(s);
    const done = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: { amount_cents: 6_000 } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ id: r.body.id, status: 'completed', captured_amount_cents: 6_000, amount_cents: 10_000, expires_at: null });
    expect(await walletBalance(s)).toEqual({ available: held.available + 4_000, held: held.held - 10_000 });
    const txns = await ledgerOf(s, r.body.id);
    expect(txns.map((t) => t.type)).toEqual(['hold', 'capture']);
    expect(txns[1].postings).toEqual([
      { account: `${s.walletId}:held`, amount_cents: -10_000, currency: 'usd' },
      { account: 'external:merchants:usd', amount_cents: 6_000, currency: 'usd' },
      { account: `${s.walletId}:available`, amount_cents: 4_000, currency: 'usd' },
    ]);
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.budgets[0]).toMatchObject({ period: 'monthly', spent_cents: 6_000, held_cents: 0, remaining_cents: 44_000 });
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['spend_request.approved', 'spend_request.completed']);
  });

  it('completes the full amount when no amount is given, with or without a body', async () => {
    const ag = await freshAgent(s, {}, 'full');
    for (const opts of [{ body: {} }, {}]) {
      const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(2_500) });
      const done = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, ...opts });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      expect(done.body).toMatchObject({ status: 'completed', captured_amount_cents: 2_500 });
      const txns = await ledgerOf(s, r.body.id);
      expect(txns[1].postings).toEqual([
        { account: `${s.walletId}:held`, amount_cents: -2_500, currency: 'usd' },
        { account: 'external:merchants:usd', amount_cents: 2_500, currency: 'usd' },
      ]);
    }
  });

  it.each(['cancel', 'fail'] as const)('%s releases the whole hold', async (action) => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, action);
    const before = await walletBalance(s);
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(7_000) });
    const done = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/${action}`, { key: ag.key });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    const status = action === 'cancel' ? 'cancelled' : 'failed';
    expect(done.body).toMatchObject({ status, captured_amount_cents: null, expires_at: null });
    expect(await walletBalance(s)).toEqual(before);
    const txns = await ledgerOf(s, r.body.id);
    expect(txns.map((t) => t.type)).toEqual(['hold', 'release']);
    expect(txns[1].postings).toEqual([
      { account: `${s.walletId}:held`, amount_cents: -7_000, currency: 'usd' },
      { account: `${s.walletId}:available`, amount_cents: 7_000, currency: 'usd' },
    ]);
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.budgets[0]).toMatchObject({ spent_cents: 0, held_cents: 0, remaining_cents: 50_000 });
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['spend_request.approved', `spend_request.${status}`]);
  });

  it('an operator may settle an agent request too', async () => {
    const ag = await freshAgent(s, {}, 'operator-settles');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(300) });
    const done = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/cancel`, { key: s.mgmt });
    expect(done.body.status).toBe('cancelled');
  });

  it('cancelling a completed request is a 409 and changes nothing', async () => {
    const ag = await freshAgent(s, {}, 'settled');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(1_000) });
    await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: {} });
    for (const action of ['cancel', 'fail', 'complete']) {
      const again = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/${action}`, { key: ag.key, body: {} }));
      expectError(again, 409, 'invalid_state');
      expect(again.body.error.status).toBe('completed');
    }
  });

  it('answers GET /v1/balance with the wallet and every budget window', async () => {
    const ag = await freshAgent(s, { daily_limit_cents: 1_000, monthly_limit_cents: 5_000, total_limit_cents: 10_000 }, 'balance');
    const spent = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(300) });
    await api(s.url, 'POST', `/v1/spend-requests/${spent.body.id}/complete`, { key: ag.key, body: { amount_cents: 200 } });
    await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
    const wallet = await walletBalance(s);

    const r = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(r.status).toBe(200);
    const now = new Date();
    const tomorrow = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    expect(r.body).toEqual({
      object: 'balance',
      agent_id: ag.agentId,
      currency: 'usd',
      wallet: { id: s.walletId, available_cents: wallet.available, held_cents: wallet.held },
      budget_period: 'daily',
      remaining_budget_cents: 700,
      remaining_monthly_budget_cents: 4_700,
      budgets: [
        { period: 'daily', limit_cents: 1_000, spent_cents: 200, held_cents: 100, remaining_cents: 700, resets_at: tomorrow },
        { period: 'monthly', limit_cents: 5_000, spent_cents: 200, held_cents: 100, remaining_cents: 4_700, resets_at: nextMonth },
        { period: 'total', limit_cents: 10_000, spent_cents: 200, held_cents: 100, remaining_cents: 9_700, resets_at: null },
      ],
    });
    // A management key asks for a given agent.
    const op = await api(s.url, 'GET', `/v1/balance?agent_id=${ag.agentId}`, { key: s.mgmt });
    expect(op.body).toEqual(r.body);
    // With no limits at all, no budgets and no remaining figure.
    const free = await freshAgent(s, {}, 'unlimited');
    const fb = await api(s.url, 'GET', '/v1/balance', { key: free.key });
    expect(fb.body).toMatchObject({ budget_period: null, remaining_budget_cents: null, remaining_monthly_budget_cents: null, budgets: [] });
  });

  describe('the list', () => {
    let a: Awaited<ReturnType<typeof freshAgent>>;
    let b: Awaited<ReturnType<typeof freshAgent>>;
    let all: any[];
    let cut: string;
    beforeAll(async () => {
      a = await freshAgent(s, { require_approval_over_cents: 5_000, blocked_merchants: ['casino.example'] }, 'lister-a');
      b = await freshAgent(s, {}, 'lister-b');
      const merchants = ['OpenAI', 'openai.com', 'AWS', 'OPENAI INC', 'Anthropic'];
      all = [];
      for (let i = 0; i < 14; i++) {
        all.push((await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(100 + i, { merchant_name: merchants[i % merchants.length] }) })).body);
      }
      all.push((await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(6_000) })).body); // needs_approval
      all.push((await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(50, { merchant_name: 'Casino.example' }) })).body); // declined
      await sleep(5);
      cut = new Date().toISOString();
      await sleep(5);
      for (let i = 0; i < 10; i++) all.push((await api(s.url, 'POST', '/v1/spend', { key: b.key, body: spendBody(200 + i) })).body);
      all.reverse(); // newest first
    });

    it('walks more than two pages newest first with no gaps or repeats', async () => {
      const ids: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const q: string = `/v1/spend-requests?limit=7${cursor ? `&cursor=${cursor}` : ''}`;
        const r: any = await api(s.url, 'GET', q, { key: s.mgmt });
        expect(r.status).toBe(200);
        pages++;
        expect(r.body.data.length).toBeLessThanOrEqual(7);
        if (r.body.has_more) {
          expect(r.body.data).toHaveLength(7);
          expect(r.body.next_cursor).toBe(r.body.data[6].id);
        } else {
          expect(r.body.next_cursor).toBeNull();
        }
        ids.push(...r.body.data.map((x: any) => x.id));
        cursor = r.body.next_cursor;
      } while (cursor);
      expect(pages).toBeGreaterThan(3);
      expect(new Set(ids).size).toBe(ids.length);
      // Everything this test made is there, in order, at the top.
      expect(ids.slice(0, all.length)).toEqual(all.map((x) => x.id));
      expect([...ids].sort().reverse()).toEqual(ids);
    });

    it('filters by status', async () => {
      const pending = await api(s.url, 'GET', `/v1/spend-requests?status=needs_approval&agent_id=${a.agentId}`, { key: s.mgmt });
      expect(pending.body.data.map((x: any) => x.amount_cents)).toEqual([6_000]);
      const declined = await api(s.url, 'GET', `/v1/spend-requests?status=declined&agent_id=${a.agentId}`, { key: s.mgmt });
      expect(declined.body.data.map((x: any) => x.decision_code)).toEqual(['merchant_blocked']);
      const approved = await listAll(s, `/v1/spend-requests?status=approved&agent_id=${a.agentId}`, s.mgmt, 5);
      expect(approved).toHaveLength(14);
    });

    it('filters by agent_id', async () => {
      const r = await listAll(s, `/v1/spend-requests?agent_id=${b.agentId}`, s.mgmt, 4);
      expect(r.map((x) => x.id)).toEqual(all.filter((x) => x.agent_id === b.agentId).map((x) => x.id));
      expect(r).toHaveLength(10);
    });

    it('filters by merchant on its normalized name', async () => {
      const expected = all.filter((x) => x.agent_id === a.agentId && ['OpenAI', 'openai.com', 'OPENAI INC'].includes(x.merchant_name)).map((x) => x.id);
      expect(expected.length).toBe(9);
      for (const merchant of ['openai', 'OpenAI, Inc.', 'https://www.openai.com/v1']) {
        // merchant_name is the filter named after the field; merchant is the same filter.
        for (const param of ['merchant_name', 'merchant']) {
          const r = await listAll(s, `/v1/spend-requests?agent_id=${a.agentId}&${param}=${encodeURIComponent(merchant)}`, s.mgmt);
          expect(r.map((x) => x.id)).toEqual(expected);
        }
      }
      const both = await api(s.url, 'GET', '/v1/spend-requests?merchant_name=openai&merchant=aws', { key: s.mgmt });
      expect(both.status).toBe(400);
      expect(both.body.error).toMatchObject({ code: 'invalid_request', field: 'merchant' });
    });

    it('filters by created_after and created_before', async () => {
      const after = await listAll(s, `/v1/spend-requests?created_after=${encodeURIComponent(cut)}`, s.mgmt, 3);
      expect(after.map((x) => x.id)).toEqual(all.filter((x) => x.agent_id === b.agentId).map((x) => x.id));
      const before = await listAll(s, `/v1/spend-requests?agent_id=${a.agentId}&created_before=${encodeURIComponent(cut)}`, s.mgmt);
      expect(before).toHaveLength(16);
      const offset = cut.replace('Z', '+00:00');
      expect(await listAll(s, `/v1/spend-requests?created_after=${encodeURIComponent(offset)}`, s.mgmt)).toHaveLength(10);
    });

    it('combines filters', async () => {
      const r = await api(s.url, 'GET', `/v1/spend-requests?agent_id=${a.agentId}&status=approved&merchant=aws&limit=100`, { key: s.mgmt });
      expect(r.body.data.map((x: any) => x.merchant_name)).toEqual(['AWS', 'AWS', 'AWS']);
    });

    it('shows an agent only its own requests', async () => {
      const mine = await listAll(s, '/v1/spend-requests', b.key, 6);
      expect(mine.map((x) => x.id)).toEqual(all.filter((x) => x.agent_id === b.agentId).map((x) => x.id));
      const theirs = await api(s.url, 'GET', `/v1/spend-requests?agent_id=${a.agentId}`, { key: b.key });
      expect(theirs.body).toEqual({ data: [], has_more: false, next_cursor: null });
    });
  });
});

/** Runs `fn` and asserts that the wallet's ledger did not grow. */
async function expectNoLedgerChange<T>(s: TestServer, fn: () => Promise<T>): Promise<T> {
  const count = async () => (await listAll(s, `/v1/ledger/transactions?wallet_id=${s.walletId}`, s.mgmt)).length;
  const before = await count();
  const out = await fn();
  expect(await count()).toBe(before);
  return out;
}
