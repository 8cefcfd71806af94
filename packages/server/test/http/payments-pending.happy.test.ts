import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, eventually, walletBalance } from './support.js';

/**
 * A rail that answers `pending` keeps the payment's hold until it settles: each sweep asks the
 * rail again (RailAdapter.status); completed captures, failed releases, and the hold's expiry is
 * the backstop.
 */
async function payPending(s: TestServer, simulate: string, amount: number) {
  const m = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: s.agentId, description: 'pending rail', currency: 'usd', total_limit_cents: 100_000 } });
  const t = await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: m.body.id, action: 'payment.create', audience: 'bursar:payments' } });
  const p = await api(s.url, 'POST', '/v1/payments', { key: t.body.token, body: { amount_cents: amount, currency: 'usd', merchant_name: 'AWS', simulate } });
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  return { payment: p.body, mandateId: m.body.id as string };
}

const settled = (s: TestServer, id: string) =>
  eventually(async () => {
    const got = await api(s.url, 'GET', `/v1/payments/${id}`, { key: s.mgmt });
    return got.body.status === 'processing' ? null : got.body;
  });

describe('a rail that answers pending', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
  });
  afterAll(() => s.close());

  it('keeps the hold while pending, then captures when the rail completes it', async () => {
    const before = await walletBalance(s);
    const { payment, mandateId } = await payPending(s, 'pending_then_success', 1_500);
    expect(payment).toMatchObject({ status: 'processing', rail_transaction_id: expect.stringMatching(/^sbx_/) });
    const done = await settled(s, payment.id);
    expect(done).toMatchObject({ status: 'succeeded', failure_reason: null, rail_transaction_id: payment.rail_transaction_id });
    const spend = await api(s.url, 'GET', `/v1/spend-requests/${payment.spend_request_id}`, { key: s.mgmt });
    expect(spend.body).toMatchObject({ status: 'completed', captured_amount_cents: 1_500 });
    expect(await walletBalance(s)).toEqual({ available: before.available - 1_500, held: before.held });
    expect((await api(s.url, 'GET', `/v1/mandates/${mandateId}`, { key: s.mgmt })).body.spent_cents).toBe(1_500);
    expect((await eventsOf(s, payment.id)).map((e) => e.type)).toEqual(['payment.processing', 'payment.succeeded']);
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });

  it('releases the hold and frees the mandate when the rail fails it', async () => {
    const before = await walletBalance(s);
    const { payment, mandateId } = await payPending(s, 'pending_then_fail', 2_000);
    const done = await settled(s, payment.id);
    expect(done).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('pending_then_fail') });
    const spend = await api(s.url, 'GET', `/v1/spend-requests/${payment.spend_request_id}`, { key: s.mgmt });
    expect(spend.body.status).toBe('failed');
    expect(await walletBalance(s)).toEqual(before);
    expect((await api(s.url, 'GET', `/v1/mandates/${mandateId}`, { key: s.mgmt })).body.spent_cents).toBe(0);
  });

  it('keeps a payment the rail leaves pending, with its hold, sweep after sweep', async () => {
    const before = await walletBalance(s);
    const { payment } = await payPending(s, 'pending', 700);
    await new Promise((r) => setTimeout(r, 1_000));
    expect((await api(s.url, 'GET', `/v1/payments/${payment.id}`, { key: s.mgmt })).body.status).toBe('processing');
    expect(await walletBalance(s)).toEqual({ available: before.available - 700, held: before.held + 700 });
  });
});

describe('the hold expiry is the backstop of a pending rail', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '0.2', BURSAR_HOLD_TTL_SECONDS: '1' });
  });
  afterAll(() => s.close());

  it('releases the hold at expiry, fails the payment and frees the mandate', async () => {
    const before = await walletBalance(s);
    const { payment, mandateId } = await payPending(s, 'pending', 900);
    const done = await settled(s, payment.id);
    expect(done).toMatchObject({ status: 'failed', failure_reason: 'The rail did not settle the payment before its hold ended (expired)' });
    expect(await walletBalance(s)).toEqual(before);
    expect((await api(s.url, 'GET', `/v1/mandates/${mandateId}`, { key: s.mgmt })).body.spent_cents).toBe(0);
    expect((await eventsOf(s, payment.id)).map((e) => e.type)).toEqual(['payment.processing', 'payment.failed']);
  });
});
