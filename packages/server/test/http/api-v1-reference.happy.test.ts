import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../helpers/server.js';

/**
 * A client written against ../shared/reference/policy-evaluation-api.txt, unchanged: the
 * reference's example requests as written (its elided placeholders `clxyz...`, `https://...`
 * and `{ ... }` filled with real values), its x-api-key header, and its example responses
 * checked shape for shape. Only POST /payment-handles is Bursar's own (the reference names
 * handles but documents no endpoint to make one).
 */
describe('a client written against the policy-evaluation reference', () => {
  let s: TestServer;
  let base: string;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { 'x-api-key': s.mgmt, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const keysOf = (o: object) => Object.keys(o).sort();
  beforeAll(async () => {
    s = await startTestServer();
    base = `${s.url}/api/v1`;
  });
  afterAll(() => s.close());

  const policyExample = {
    id: 'cm...', name: 'Default Policy', maxSingleAmount: 10000, dailyLimit: 50000, monthlyLimit: null, requireApprovalOver: 5000,
    maxTransactionsPerMinute: null, maxTransactionsPerHour: null, unit: 'USD', allowedMerchants: [], blockedMerchants: ['evil.com'],
    allowedCategories: [], blockedCategories: [], isActive: true,
  };

  it('GET /policies and POST /policies', async () => {
    const list = await call('GET', '/policies');
    expect(list.status).toBe(200);
    expect(Array.isArray(list.body)).toBe(true);
    for (const p of list.body) expect(keysOf(p)).toEqual(expect.arrayContaining(keysOf(policyExample)));
    const created = await call('POST', '/policies', {
      name: 'API Spend Policy', maxSingleAmount: 10000, dailyLimit: 50000, monthlyLimit: 500000, requireApprovalOver: 5000,
      maxTransactionsPerMinute: 10, maxTransactionsPerHour: 100, unit: 'USD', allowedMerchants: [], blockedMerchants: ['evil.com'],
      allowedCategories: [], blockedCategories: [],
    });
    expect(created.status).toBeLessThan(300);
    expect(created.body).toMatchObject({
      name: 'API Spend Policy', maxSingleAmount: 10000, dailyLimit: 50000, monthlyLimit: 500000, requireApprovalOver: 5000,
      maxTransactionsPerMinute: 10, maxTransactionsPerHour: 100, unit: 'USD', blockedMerchants: ['evil.com'], isActive: true,
    });
  });

  let evaluated: { spendRequestId: string; sat: string };
  it('POST /spend/evaluate → ALLOW, OK, a SAT', async () => {
    const r = await call('POST', '/spend/evaluate', {
      agentId: 'my-agent', amountMinor: 5000, unit: 'USD', merchant: 'openai.com', category: 'api', reason: 'Monthly credits',
      metadata: {}, idempotencyKey: 'abc123',
    });
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['decision', 'decisionReason', 'sat', 'spendRequestId']);
    expect(r.body).toMatchObject({ decision: 'ALLOW', decisionReason: 'OK', spendRequestId: expect.any(String), sat: expect.stringMatching(/^eyJ/) });
    evaluated = r.body;
  });

  it('POST /spend/receipt → receiptId, anomalyFlags, recorded; the same SAT, the same receiptId', async () => {
    const body = {
      spendRequestId: evaluated.spendRequestId, sat: evaluated.sat, railId: 'stripe', providerTransactionId: 'ch_xxx', destination: null,
      actualNetwork: 'stripe', actualAmountMinor: 5000, actualCurrency: 'usd', actualMerchantNormalized: 'aws', rawReceipt: { id: 'ch_xxx' },
    };
    const r = await call('POST', '/spend/receipt', body);
    expect(r.status).toBe(200);
    expect(keysOf(r.body)).toEqual(['anomalyFlags', 'receiptId', 'recorded']);
    // The example pays "aws" for an "openai.com" authorization: a merchant mismatch.
    expect(r.body).toEqual({ receiptId: expect.any(String), anomalyFlags: ['MERCHANT_MISMATCH'], recorded: true });
    expect((await call('POST', '/spend/receipt', body)).body.receiptId).toBe(r.body.receiptId);
  });

  it('POST /payment/execute → executed, spendRequestId, transaction', async () => {
    const handle = await call('POST', '/payment-handles', { name: 'Sandbox', railId: 'sandbox', executionMode: 'managed' });
    const ev = await call('POST', '/spend/evaluate', {
      agentId: 'my-agent', amountMinor: 5000, unit: 'USD', merchant: 'openai.com', category: 'api', reason: 'Monthly credits',
      metadata: {}, idempotencyKey: 'abc124', handleId: handle.body.id,
    });
    expect(ev.body.decision).toBe('ALLOW');
    const r = await call('POST', '/payment/execute', {
      paymentHandleId: handle.body.id, sat: ev.body.sat, params: { amountMinor: 5000, currency: 'usd', description: 'Monthly API credits' },
    });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ executed: true, spendRequestId: ev.body.spendRequestId, transaction: { id: expect.any(String), status: 'completed' } });
  });

  it('GET /spend-requests/:id with its approval, then POST /approvals/:id/resolve', async () => {
    const ev = await call('POST', '/spend/evaluate', {
      agentId: 'my-agent', amountMinor: 30000, unit: 'USD', merchant: 'openai.com', category: 'api', reason: 'Monthly credits',
    });
    expect(ev.body).toMatchObject({ decision: 'REQUIRE_APPROVAL', decisionReason: 'REQUIRES_APPROVAL' });
    expect(ev.body.sat).toBeUndefined();
    const got = await call('GET', `/spend-requests/${ev.body.spendRequestId}`);
    expect(got.body).toMatchObject({
      id: ev.body.spendRequestId, decision: 'REQUIRE_APPROVAL', decisionReason: 'REQUIRES_APPROVAL',
      approval: { id: expect.any(String), status: 'PENDING', decidedAt: null, note: null },
    });
    const resolved = await call('POST', `/approvals/${got.body.approval.id}/resolve`, { status: 'APPROVED', note: 'Looks good, proceed.' });
    expect(resolved.status).toBe(200);
    const after = await call('GET', `/spend-requests/${ev.body.spendRequestId}`);
    expect(after.body.approval).toEqual({ id: got.body.approval.id, status: 'APPROVED', decidedAt: expect.any(String), note: 'Looks good, proceed.' });
  });

  it('GET /api-keys (prefix only) and POST /api-keys (plaintext once)', async () => {
    const created = await call('POST', '/api-keys');
    expect(created.status).toBeLessThan(300);
    expect(created.body).toEqual({ id: expect.any(String), keyPrefix: expect.any(String), plaintext: expect.any(String), createdAt: expect.any(String) });
    expect(created.body.plaintext.startsWith(created.body.keyPrefix)).toBe(true);
    expect(new Date(created.body.createdAt).toISOString()).toBe(created.body.createdAt);
    const list = await call('GET', '/api-keys');
    expect(list.body.find((k: { id: string }) => k.id === created.body.id).keyPrefix).toBe(created.body.keyPrefix);
    expect(JSON.stringify(list.body)).not.toContain(created.body.plaintext);
  });

  it('errors are {"error": "Human-readable error message"}', async () => {
    const res = await fetch(`${base}/policies`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: expect.any(String) });
    const bad = await call('POST', '/spend/evaluate', { agentId: 'my-agent' });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ error: expect.stringMatching(/amountMinor/) });
  });
});
