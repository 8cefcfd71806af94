import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertPlan } from '../../src/store/policy-api.js';
import { agentUnder, evaluation, expectApiError, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectNoStateChange } from './support.js';

describe('/api/v1 bad input', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const valid = () => evaluation('default-agent');
  const without = (field: string) => {
    const b: Record<string, unknown> = valid();
    delete b[field];
    return b;
  };
  describe.each([
    ['agentId', without('agentId')],
    ['amountMinor', without('amountMinor')],
    ['unit', without('unit')],
    ['merchant', without('merchant')],
    ['category', without('category')],
    ['reason', without('reason')],
    ['amountMinor', { ...valid(), amountMinor: '5000' }],
    ['amountMinor', { ...valid(), amountMinor: 12.5 }],
    ['amountMinor', { ...valid(), amountMinor: -1 }],
    ['unit', { ...valid(), unit: 'dollars' }],
    ['unit', { ...valid(), unit: 'EUR' }],
    ['merchant', { ...valid(), merchant: '   ' }],
    ['metadata', { ...valid(), metadata: 'x' }],
    ['callbackUrl', { ...valid(), callbackUrl: 'ftp://example.com' }],
    ['handleId', { ...valid(), handleId: 'hdl_nope' }],
    ['bogus', { ...valid(), bogus: 1 }],
  ])('POST /spend/evaluate with a bad %s', (field, body) => {
    it(`answers 400 {"error"} naming ${field} and changes nothing`, async () => {
      const r = await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.mgmt, body));
      expectApiError(r, 400, new RegExp(`^${field}\\b`));
    });
  });

  it.each([
    ['/spend/receipt', { sat: 'x', railId: 'stripe', actualAmountMinor: 1, actualCurrency: 'usd' }, 'spendRequestId'],
    ['/spend/receipt', { spendRequestId: 'req_x', sat: 'x', railId: 'paypal', actualAmountMinor: 1, actualCurrency: 'usd' }, 'railId'],
    ['/spend/receipt', { spendRequestId: 'req_x', sat: 'not-a-jws', railId: 'stripe', actualAmountMinor: 1, actualCurrency: 'usd' }, 'sat'],
    ['/payment/execute', { sat: 'x' }, 'paymentHandleId'],
    ['/payment-handles', { name: 'x', railId: 'sandbox', executionMode: 'auto' }, 'executionMode'],
    ['/policies', { name: 'p', dailyLimit: -5 }, 'dailyLimit'],
    ['/policies', { dailyLimit: 5 }, 'name'],
    ['/policies', { name: 'p', blockedMerchants: 'evil.com' }, 'blockedMerchants'],
    ['/approvals/apr_x/resolve', { status: 'MAYBE' }, 'status'],
    ['/approvals/apr_x/resolve', {}, 'status'],
  ])('POST %s names the bad field (%#)', async (path, body, field) => {
    const r = await expectNoStateChange(s, () => v1(s, 'POST', path, s.mgmt, body));
    expectApiError(r, 400, new RegExp(`^${field}\\b`));
  });

  it('malformed JSON and unknown ids answer in the same envelope', async () => {
    const bad = await api(s.url, 'POST', '/api/v1/spend/evaluate', { headers: { 'x-api-key': s.mgmt }, rawBody: '{"agentId":' });
    expectApiError(bad, 400, /Malformed JSON/);
    expectApiError(await v1(s, 'GET', '/spend-requests/req_nope', s.mgmt), 404, /req_nope/);
    expectApiError(await v1(s, 'POST', '/approvals/apr_nope/resolve', s.mgmt, { status: 'APPROVED' }), 404);
    expectApiError(await v1(s, 'GET', '/no-such-thing', s.mgmt), 404);
  });

  it.each(['agt_doesnotexist', 'agt_01abc', 'agt_'])('an agentId spelled like one of our ids (%s) that does not exist is a 404, never a new agent', async (agentId) => {
    const r = await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId)));
    expectApiError(r, 404, /agent/);
  });

  it.each([
    ['nested objects', { deep: { deeper: { deepest: 1 } } }, 'metadata.deep'],
    ['more than 50 keys', Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), 'metadata'],
    ['a long value', { note: 'x'.repeat(501) }, 'metadata.note'],
  ])('metadata is bounded as on /v1: %s is refused', async (_name, metadata, field) => {
    const r = await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { metadata })));
    expectApiError(r, 400, new RegExp(`^${field.replace('.', '\\.')}\\b`));
  });

  it('an idempotencyKey reused with another body is refused', async () => {
    await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { idempotencyKey: 'k-1' }));
    expectApiError(await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { idempotencyKey: 'k-1', amountMinor: 9 })), 422);
  });

  it('a wallet that cannot cover the amount: 402, recorded as declined', async () => {
    // A policy with no limits, so the wallet is the only bound.
    const { agentId } = await agentUnder(s, {}, 'big-spender');
    const wallet = await api(s.url, 'GET', `/v1/wallets/${s.walletId}/balance`, { key: s.mgmt });
    const over = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId, { amountMinor: wallet.body.available_cents + 1 }));
    expect(over.status).toBe(402);
    expect(over.body).toMatchObject({ error: expect.stringMatching(/cannot cover/), decision: 'DENY', decisionReason: 'INSUFFICIENT_FUNDS' });
    const native = await api(s.url, 'GET', `/v1/spend-requests/${over.body.spendRequestId}`, { key: s.mgmt });
    expect(native.body).toMatchObject({ status: 'declined', decision_code: 'insufficient_funds' });
  });
});

describe('/api/v1 plans', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a self-hosted workspace is unlimited; the Free plan allows 1 policy, 1 API key and 100 evaluations a day', async () => {
    expect((await v1(s, 'POST', '/policies', s.mgmt, { name: 'second' })).status).toBe(201);
    const ws = (await s.server.db.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow()).id;
    await upsertPlan(s.server.db.db, { workspace_id: ws, plan: 'free', evaluations_per_day: 3, max_policies: 1, max_api_keys: 1, updated_at: Date.now() });
    expectApiError(await v1(s, 'POST', '/policies', s.mgmt, { name: 'third' }), 402, /Plan limit reached: the free plan allows 1 policy/);
    expectApiError(await v1(s, 'POST', '/api-keys', s.mgmt, {}), 402, /1 API key/);
    for (let i = 0; i < 3; i++) expect((await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId))).status).toBe(200);
    const refused = await expectNoStateChange(s, () => v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId)));
    expectApiError(refused, 402, /3 spend evaluations per day/);
    // The same quota on /v1: one core.
    const native = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: { amount_cents: 5, currency: 'usd', merchant_name: 'AWS', reason: 'x' } });
    expect(native.status).toBe(402);
    expect(native.body.error.code).toBe('plan_spend_volume_exceeded');
    await upsertPlan(s.server.db.db, { workspace_id: ws, plan: 'pro', evaluations_per_day: null, max_policies: null, max_api_keys: null, updated_at: Date.now() });
    expect((await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId))).status).toBe(200);
  });
});
