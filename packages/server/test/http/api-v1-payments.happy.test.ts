import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluation, expectApiError, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { walletBalance } from './support.js';

/** An ALLOWed evaluation's spend request id and SAT. */
async function allowed(s: TestServer, extra: Record<string, unknown> = {}) {
  const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, extra));
  expect(r.body.decision, JSON.stringify(r.body)).toBe('ALLOW');
  return { spendRequestId: r.body.spendRequestId as string, sat: r.body.sat as string };
}

function receipt(a: { spendRequestId: string; sat: string }, extra: Record<string, unknown> = {}) {
  return { ...a, railId: 'stripe', actualAmountMinor: 500, actualCurrency: 'usd', ...extra };
}

describe('/api/v1 receipts (SDK guard mode)', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a matching receipt has no flags, completes the request and captures the amount', async () => {
    const a = await allowed(s);
    const r = await v1(s, 'POST', '/spend/receipt', s.spend, receipt(a, { actualMerchantNormalized: 'OpenAI', providerTransactionId: 'ch_1' }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ receiptId: expect.stringMatching(/^rct_/), anomalyFlags: [], recorded: true });
    const native = await api(s.url, 'GET', `/v1/spend-requests/${a.spendRequestId}`, { key: s.mgmt });
    expect(native.body).toMatchObject({ status: 'completed', captured_amount_cents: 500 });
  });

  it('the same SAT returns the same receiptId and captures once', async () => {
    const a = await allowed(s, { amountMinor: 800 });
    const before = await walletBalance(s);
    const [x, y] = await Promise.all([
      v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(a, { actualAmountMinor: 600 })),
      v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(a, { actualAmountMinor: 600 })),
    ]);
    expect(x.status).toBe(200);
    expect(y.body.receiptId).toBe(x.body.receiptId);
    const again = await v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(a, { actualAmountMinor: 600 }));
    expect(again.body).toEqual(x.body);
    const after = await walletBalance(s);
    // 800 was held; 600 captured, 200 released, once.
    expect(after).toEqual({ available: before.available + 200, held: before.held - 800 });
  });

  it('flags amount, currency and normalized-merchant mismatches', async () => {
    const a = await allowed(s, { amountMinor: 900 });
    const r = await v1(s, 'POST', '/spend/receipt', s.spend, receipt(a, { actualAmountMinor: 700, actualCurrency: 'EUR', actualMerchantNormalized: 'aws' }));
    expect(r.body.anomalyFlags).toEqual(['AMOUNT_MISMATCH', 'CURRENCY_MISMATCH', 'MERCHANT_MISMATCH']);
    // In another currency the actual amount says nothing: the whole authorization counts as spent.
    const native = await api(s.url, 'GET', `/v1/spend-requests/${a.spendRequestId}`, { key: s.mgmt });
    expect(native.body.captured_amount_cents).toBe(900);
  });

  it('flags an overage, captures only the authorized amount and tells the operator', async () => {
    const a = await allowed(s, { amountMinor: 1000 });
    const r = await v1(s, 'POST', '/spend/receipt', s.spend, receipt(a, { actualAmountMinor: 1500 }));
    expect(r.body.anomalyFlags).toEqual(['AMOUNT_MISMATCH', 'AMOUNT_OVER_AUTHORIZED']);
    const native = await api(s.url, 'GET', `/v1/spend-requests/${a.spendRequestId}`, { key: s.mgmt });
    expect(native.body.captured_amount_cents).toBe(1000);
    const events = await api(s.url, 'GET', `/v1/events?type=receipt.recorded&object_id=${r.body.receiptId}`, { key: s.mgmt });
    expect(events.body.data[0].data.object).toMatchObject({ overage_cents: 500, anomaly_flags: ['AMOUNT_MISMATCH', 'AMOUNT_OVER_AUTHORIZED'] });
  });

  it('flags a receipt for a request that is no longer open', async () => {
    const a = await allowed(s);
    expect((await api(s.url, 'POST', `/v1/spend-requests/${a.spendRequestId}/cancel`, { key: s.mgmt })).status).toBe(200);
    const r = await v1(s, 'POST', '/spend/receipt', s.spend, receipt(a));
    expect(r.body.anomalyFlags).toEqual(['SPEND_REQUEST_NOT_OPEN']);
  });

  it('an sdk-mode SAT is refused at /payment/execute', async () => {
    const a = await allowed(s);
    const h = await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'sbx', railId: 'sandbox', executionMode: 'managed' });
    const r = await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: h.body.id, sat: a.sat });
    expectApiError(r, 400, /^sat: .*SDK guard/);
  });
});

describe('/api/v1 expired authorizations', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_HOLD_TTL_SECONDS: '1', BURSAR_SWEEP_INTERVAL_SECONDS: '3600' });
  });
  afterAll(() => s.close());

  it('flags EXPIRED_AUTHORIZATION for a receipt after the SAT expired', async () => {
    const a = await allowed(s);
    await new Promise((r) => setTimeout(r, 2100));
    const r = await v1(s, 'POST', '/spend/receipt', s.spend, receipt(a));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.anomalyFlags).toContain('EXPIRED_AUTHORIZATION');
  });
});

describe('/api/v1 payment handles and execution', () => {
  let s: TestServer;
  let handle: { id: string };
  beforeAll(async () => {
    s = await startTestServer();
    const h = await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'Sandbox managed', railId: 'sandbox', executionMode: 'managed' });
    expect(h.status, JSON.stringify(h.body)).toBe(201);
    expect(h.body).toMatchObject({ id: expect.stringMatching(/^hdl_/), railId: 'sandbox', executionMode: 'managed', isDefault: true });
    handle = h.body;
  });
  afterAll(() => s.close());

  it('lists handles; the oldest is the default and goes into the SAT', async () => {
    await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'Stripe', railId: 'stripe', executionMode: 'external' });
    const list = await v1(s, 'GET', '/payment-handles', s.mgmt);
    expect(list.body.map((h: { railId: string; isDefault: boolean }) => [h.railId, h.isDefault])).toEqual([['sandbox', true], ['stripe', false]]);
    const a = await allowed(s);
    const { payload } = await jwtVerify(a.sat, createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks.json`)));
    expect(payload).toMatchObject({ executionMode: 'managed', paymentHandleId: handle.id, railId: 'sandbox' });
  });

  it('executes a SAT once through the sandbox rail and completes the request', async () => {
    const a = await allowed(s, { amountMinor: 700 });
    const body = { paymentHandleId: handle.id, sat: a.sat, params: { amountMinor: 600, currency: 'usd', description: 'Monthly API credits' } };
    const r = await v1(s, 'POST', '/payment/execute', s.mgmt, body);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ executed: true, spendRequestId: a.spendRequestId, transaction: { id: expect.stringMatching(/^sbx_/), status: 'completed' } });
    const native = await api(s.url, 'GET', `/v1/spend-requests/${a.spendRequestId}`, { key: s.mgmt });
    expect(native.body).toMatchObject({ status: 'completed', captured_amount_cents: 600 });
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, body), 409, /at most once/);
  });

  it('concurrent executions of one SAT: exactly one runs', async () => {
    const a = await allowed(s, { amountMinor: 300 });
    const body = { paymentHandleId: handle.id, sat: a.sat };
    const results = await Promise.all([1, 2, 3].map(() => v1(s, 'POST', '/payment/execute', s.spend, body)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409]);
  });

  it('a failed rail payment releases the hold; the SAT stays used', async () => {
    const a = await allowed(s, { amountMinor: 400 });
    const before = await walletBalance(s);
    const r = await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: handle.id, sat: a.sat, params: { simulate: 'fail' } });
    expect(r.body).toMatchObject({ executed: false, transaction: { status: 'failed' } });
    expect(await walletBalance(s)).toEqual({ available: before.available + 400, held: before.held - 400 });
    expect((await api(s.url, 'GET', `/v1/spend-requests/${a.spendRequestId}`, { key: s.mgmt })).body.status).toBe('failed');
  });

  it('refuses another handle, a receipt for a managed SAT, and an amount over the authorization', async () => {
    const a = await allowed(s, { amountMinor: 200 });
    const other = await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'other', railId: 'custom:acme', executionMode: 'external' });
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: other.body.id, sat: a.sat }), 400, /^paymentHandleId: /);
    expectApiError(await v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(a)), 400, /^sat: .*payment\/execute/);
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: handle.id, sat: a.sat, params: { amountMinor: 201 } }), 400, /^params\.amountMinor: /);
    // Nothing was claimed by the refusals: it still executes.
    expect((await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: handle.id, sat: a.sat })).status).toBe(200);
  });

  it('a handle on a rail with no adapter here is refused at execute, not at creation', async () => {
    const stripe = await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'stripe ext', railId: 'stripe', executionMode: 'external' });
    const a = await allowed(s, { amountMinor: 100, handleId: stripe.body.id });
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: stripe.body.id, sat: a.sat }), 409, /No adapter for rail 'stripe'/);
  });
});
