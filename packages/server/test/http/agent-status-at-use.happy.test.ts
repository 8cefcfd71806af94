import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluation, expectApiError, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, freshAgent, walletBalance, type FreshAgent } from './support.js';

/**
 * An authorization dies with its agent at the moment of use: every surface that uses an
 * approved hold (complete, capture, SAT execute, receipt, card credential, execution token)
 * refuses a paused agent (the hold kept, usable after resume) and a revoked one (its holds
 * cancelled at revocation with `cancellation_reason: "agent_revoked"`).
 */
let s: TestServer;
let managed: string;
let sdk: string;
beforeAll(async () => {
  s = await startTestServer();
  managed = (await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'managed', railId: 'sandbox', executionMode: 'managed' })).body.id;
  sdk = (await v1(s, 'POST', '/payment-handles', s.mgmt, { name: 'sdk', railId: 'sandbox', executionMode: 'sdk' })).body.id;
});
afterAll(() => s.close());

const pause = (a: FreshAgent) => api(s.url, 'POST', `/v1/agents/${a.agentId}/pause`, { key: s.mgmt });
const resume = (a: FreshAgent) => api(s.url, 'POST', `/v1/agents/${a.agentId}/resume`, { key: s.mgmt });
const revoke = (id: string) => api(s.url, 'DELETE', `/v1/agents/${id}`, { key: s.mgmt });
const spend = (a: FreshAgent, amount: number) =>
  api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: { amount_cents: amount, currency: 'usd', merchant_name: 'AWS', reason: 'compute' } });
const get = (id: string) => api(s.url, 'GET', `/v1/spend-requests/${id}`, { key: s.mgmt });

async function expectRevokedHold(id: string) {
  expect((await get(id)).body).toMatchObject({ status: 'cancelled', cancellation_reason: 'agent_revoked' });
  const cancelled = (await eventsOf(s, id)).find((e) => e.type === 'spend_request.cancelled' || e.type === 'reservation.released');
  expect(cancelled?.object.cancellation_reason).toBe('agent_revoked');
}

describe('a paused or revoked agent cannot use what it holds', () => {
  it('/v1 complete: paused → 403 agent_paused with the hold kept; resumed → completes; revoked → hold cancelled, 403 agent_revoked', async () => {
    const a = await freshAgent(s, {}, 'completer');
    const r = await spend(a, 700);
    expect(r.body.status, JSON.stringify(r.body)).toBe('approved');
    const before = await walletBalance(s);
    expect((await pause(a)).status).toBe(200);
    expectError(await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: a.key }), 403, 'agent_paused');
    expect((await get(r.body.id)).body).toMatchObject({ status: 'approved', cancellation_reason: null });
    expect(await walletBalance(s)).toEqual(before);
    // Cancelling is never refused: it returns money.
    expect((await resume(a)).status).toBe(200);
    const done = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: a.key, body: { amount_cents: 600 } });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({ status: 'completed', captured_amount_cents: 600 });

    const held = await spend(a, 900);
    const beforeRevoke = await walletBalance(s);
    expect((await revoke(a.agentId)).status).toBe(200);
    await expectRevokedHold(held.body.id);
    expect(await walletBalance(s)).toEqual({ available: beforeRevoke.available + 900, held: beforeRevoke.held - 900 });
    // The revoked agent's key is dead; an operator completing it is refused by the agent's status.
    expectError(await api(s.url, 'POST', `/v1/spend-requests/${held.body.id}/complete`, { key: s.mgmt }), 403, 'agent_revoked');
  });

  it('SpendGuard capture: paused → 403, resumed → captured; revoked → the reservation is released with the reason', async () => {
    const a = await freshAgent(s, {}, 'reserver');
    const reserve = (amount: number) => api(s.url, 'POST', '/v1/spend-guard/reservations', { key: a.key, body: { amount_cents: amount, currency: 'usd', merchant_name: 'OpenAI', reason: 'LLM' } });
    const r = await reserve(500);
    expect(r.body.status, JSON.stringify(r.body)).toBe('reserved');
    await pause(a);
    expectError(await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/capture`, { key: a.key }), 403, 'agent_paused');
    await resume(a);
    expect((await api(s.url, 'POST', `/v1/spend-guard/reservations/${r.body.id}/capture`, { key: a.key })).body.status).toBe('captured');
    const open = await reserve(400);
    await revoke(a.agentId);
    const got = await api(s.url, 'GET', `/v1/spend-guard/reservations/${open.body.id}`, { key: s.mgmt });
    expect(got.body).toMatchObject({ status: 'released', cancellation_reason: 'agent_revoked' });
    await expectRevokedHold(open.body.id);
    expectError(await api(s.url, 'POST', `/v1/spend-guard/reservations/${open.body.id}/capture`, { key: s.mgmt }), 403, 'agent_revoked');
  });

  it('SAT execute (/api/v1/payment/execute): paused → 403 {"error"} with the hold kept; resumed → executes; revoked → 403', async () => {
    const a = await freshAgent(s, {}, 'executor');
    const allowed = async () => {
      const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(a.agentId, { amountMinor: 300, handleId: managed }));
      expect(r.body.decision, JSON.stringify(r.body)).toBe('ALLOW');
      return { spendRequestId: r.body.spendRequestId as string, sat: r.body.sat as string };
    };
    const x = await allowed();
    await pause(a);
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: managed, sat: x.sat }), 403, /paused/);
    expect((await get(x.spendRequestId)).body.status).toBe('approved');
    await resume(a);
    const ok = await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: managed, sat: x.sat });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const y = await allowed();
    await revoke(a.agentId);
    expectApiError(await v1(s, 'POST', '/payment/execute', s.mgmt, { paymentHandleId: managed, sat: y.sat }), 403, /revoked/);
    await expectRevokedHold(y.spendRequestId);
  });

  it('receipt (/api/v1/spend/receipt): paused → 403 and nothing recorded; resumed → recorded; revoked → 403', async () => {
    const a = await freshAgent(s, {}, 'reporter');
    const allowed = async () => {
      const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(a.agentId, { amountMinor: 250, handleId: sdk }));
      expect(r.body.decision, JSON.stringify(r.body)).toBe('ALLOW');
      return { spendRequestId: r.body.spendRequestId as string, sat: r.body.sat as string };
    };
    const receipt = (x: { spendRequestId: string; sat: string }) => ({ ...x, railId: 'sandbox', actualAmountMinor: 250, actualCurrency: 'usd' });
    const x = await allowed();
    await pause(a);
    expectApiError(await v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(x)), 403, /paused/);
    expect((await get(x.spendRequestId)).body.status).toBe('approved');
    await resume(a);
    const ok = await v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(x));
    expect(ok.body, JSON.stringify(ok.body)).toMatchObject({ recorded: true, anomalyFlags: [] });
    const y = await allowed();
    await revoke(a.agentId);
    expectApiError(await v1(s, 'POST', '/spend/receipt', s.mgmt, receipt(y)), 403, /revoked/);
  });

  it('execution-token payment: paused → 403 agent_paused; revoked → 403 agent_revoked', async () => {
    const a = await freshAgent(s, {}, 'payer');
    const m = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: a.agentId, description: 'bills', currency: 'usd' } });
    const token = async () => {
      const t = await api(s.url, 'POST', `/v1/agents/${a.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: m.body.id, action: 'payment.create', audience: 'bursar:payments' } });
      expect(t.status, JSON.stringify(t.body)).toBe(201);
      return t.body.token as string;
    };
    const pay = (t: string) => api(s.url, 'POST', '/v1/payments', { key: t, body: { amount_cents: 200, currency: 'usd', merchant_name: 'AWS' } });
    const t1 = await token();
    const t2 = await token();
    await pause(a);
    expectError(await pay(t1), 403, 'agent_paused');
    await resume(a);
    expect((await pay(t1)).body.status).toBe('succeeded');
    await revoke(a.agentId);
    expectError(await pay(t2), 403, 'agent_revoked');
  });

  it('checkout credential: paused → declined agent_paused, the intent keeps its hold; revoked → intent and credential cancelled, open authorization reversed', async () => {
    const checkout = (amount: number) =>
      api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: { amount_cents: amount, currency: 'usd', merchant_name: 'Acme Store', reason: 'a thing' } });
    const authorize = (number: string, amount: number) =>
      api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { card_number: number, merchant_name: 'Acme Store', amount_cents: amount, currency: 'usd' } });
    const me: FreshAgent = { agentId: s.agentId, key: s.spend, policyId: '', keyId: '' };
    const ci = (await checkout(1500)).body;
    expect(ci.status, JSON.stringify(ci)).toBe('approved');
    await pause(me);
    expect((await authorize(ci.credential.number, 1500)).body).toMatchObject({ status: 'declined', decline_code: 'agent_paused' });
    expect((await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.mgmt })).body.status).toBe('approved');
    await resume(me);
    const first = (await authorize(ci.credential.number, 1500)).body;
    expect(first.status).toBe('approved');

    // Revoked: one intent unused, one with an open authorization on its credential.
    const unused = (await checkout(800)).body;
    const used = (await checkout(600)).body;
    const auth = (await authorize(used.credential.number, 600)).body;
    expect(auth.status).toBe('approved');
    const before = await walletBalance(s);
    expect((await revoke(s.agentId)).status).toBe(200);
    for (const intent of [ci, unused, used]) {
      const got = (await api(s.url, 'GET', `/v1/checkout-intents/${intent.id}`, { key: s.mgmt })).body;
      expect(got).toMatchObject({ status: 'cancelled', cancellation_reason: 'agent_revoked', credential: { status: 'cancelled' } });
      expect((await eventsOf(s, intent.id)).map((e) => e.type)).toContain('checkout_intent.cancelled');
    }
    for (const a of [first, auth]) expect((await api(s.url, 'GET', `/v1/sandbox/card-authorizations/${a.id}`, { key: s.mgmt })).body.status).toBe('reversed');
    expect((await authorize(unused.credential.number, 800)).body.status).toBe('declined');
    expect(await walletBalance(s)).toEqual({ available: before.available + 2900, held: before.held - 2900 });
  });
});

describe('withdrawing a request that waits for a human', () => {
  it('cancel on a needs_approval request withdraws it: cancelled, its approval closed, never approvable later', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 100 }, 'asker');
    const r = await spend(a, 5000);
    expect(r.body.status).toBe('needs_approval');
    const c = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/cancel`, { key: a.key });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
    expect(c.body).toMatchObject({ id: r.body.id, status: 'cancelled' });
    const approval = await api(s.url, 'GET', `/v1/approvals/${r.body.approval_id}`, { key: s.mgmt });
    expect(approval.body.status).toBe('declined');
    expectError(await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {} }), 409, 'invalid_state');
    expect((await get(r.body.id)).body.status).toBe('cancelled');
  });
});
