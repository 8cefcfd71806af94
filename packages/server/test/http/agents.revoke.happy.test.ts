import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, freshAgent, ledgerOf, walletBalance, type FreshAgent } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

/** Human approval over $10, a budget the tests cannot exhaust. */
const approver = (name: string) => freshAgent(s, { monthly_limit_cents: 1_000_000, require_approval_over_cents: 1000 }, name);

/** One request of every kind that waits on a human: a spend request, a checkout intent on a funding card, a payment, a reservation. */
async function pendingOf(ag: FreshAgent) {
  const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: { amount_cents: 5000, currency: 'usd', merchant_name: 'AWS', reason: 'GPUs' } });
  const card = await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: ag.policyId, type: 'multi_use', spend_limit_cents: 100_000, agent_id: ag.agentId } });
  expect(card.status, JSON.stringify(card.body)).toBe(201);
  const intent = await api(s.url, 'POST', '/v1/checkout-intents', {
    key: ag.key,
    body: { amount_cents: 6000, currency: 'usd', merchant_name: 'Acme Store', reason: 'a chair', card_id: card.body.id },
  });
  const mandate = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: ag.agentId, description: 'vendors', currency: 'usd' } });
  const token = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/execution-tokens`, {
    key: s.mgmt,
    body: { mandate_id: mandate.body.id, action: 'payment.create', audience: 'bursar:payments' },
  });
  const payment = await api(s.url, 'POST', '/v1/payments', { key: token.body.token, body: { amount_cents: 7000, currency: 'usd', merchant_name: 'AWS' } });
  const reservation = await api(s.url, 'POST', '/v1/spend-guard/reservations', { key: ag.key, body: { amount_cents: 8000, currency: 'usd', merchant_name: 'OpenAI' } });
  expect([spend.body.status, intent.body.status, payment.body.status, reservation.body.status]).toEqual(['needs_approval', 'needs_approval', 'requires_approval', 'needs_approval']);
  expect((await api(s.url, 'GET', `/v1/cards/${card.body.id}`, { key: s.mgmt })).body.held_cents).toBe(6000);
  const paymentSpend = (await api(s.url, 'GET', `/v1/spend-requests/${payment.body.spend_request_id}`, { key: s.mgmt })).body;
  return {
    spend: spend.body,
    intent: intent.body,
    cardId: card.body.id as string,
    payment: payment.body,
    reservation: reservation.body,
    approvalIds: [spend.body.approval_id, intent.body.approval_id, paymentSpend.approval_id, reservation.body.approval_id] as string[],
  };
}

const get = async (path: string) => (await api(s.url, 'GET', path, { key: s.mgmt })).body;
const pendingApprovalIds = async () => (await get('/v1/approvals?status=pending&limit=100')).data.map((a: any) => a.id) as string[];
const auditOf = async (objectId: string) =>
  (await s.server.db.db.selectFrom('audit_log').select('action').where('object_id', '=', objectId).orderBy('id').execute()).map((a) => a.action);

describe('revoking an agent closes what waits on it', () => {
  it('its pending spend request, checkout intent, payment and reservation leave the approvals queue declined (agent_revoked), in one call', async () => {
    const ag = await approver('revoked-with-queue');
    const neighbour = await approver('neighbour');
    const before = await walletBalance(s);
    const p = await pendingOf(ag);
    const theirs = await api(s.url, 'POST', '/v1/spend-requests', { key: neighbour.key, body: { amount_cents: 5000, currency: 'usd', merchant_name: 'AWS', reason: 'x' } });
    expect(await pendingApprovalIds()).toEqual(expect.arrayContaining([...p.approvalIds, theirs.body.approval_id]));

    const r = await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt });
    expect(r.status, JSON.stringify(r.body)).toBe(200);

    const queue = await pendingApprovalIds();
    for (const id of p.approvalIds) expect(queue).not.toContain(id);
    expect(queue).toContain(theirs.body.approval_id);
    for (const id of p.approvalIds) {
      expect(await get(`/v1/approvals/${id}`)).toMatchObject({ status: 'declined', note: 'Agent revoked', decided_by: expect.any(String), decided_at: r.body.revoked_at });
      expect((await eventsOf(s, id)).map((e) => e.type)).toEqual(['approval.created', 'approval.declined']);
      expect(await auditOf(id)).toEqual(['approval.declined_agent_revoked']);
    }

    const declined = { status: 'declined', decision_code: 'agent_revoked', decision_reason: 'Agent is revoked', expires_at: null };
    expect(await get(`/v1/spend-requests/${p.spend.id}`)).toMatchObject(declined);
    expect((await eventsOf(s, p.spend.id)).map((e) => e.type)).toEqual(['spend_request.needs_approval', 'spend_request.declined']);

    expect(await get(`/v1/checkout-intents/${p.intent.id}`)).toMatchObject({ ...declined, credential: null });
    expect((await eventsOf(s, p.intent.id)).map((e) => e.type)).toEqual([
      'spend_request.needs_approval', 'checkout_intent.needs_approval', 'spend_request.declined', 'checkout_intent.declined',
    ]);
    expect(await auditOf(p.intent.id)).toContain('checkout_intent.declined');
    expect((await get(`/v1/cards/${p.cardId}`)).held_cents).toBe(0);

    expect(await get(`/v1/payments/${p.payment.id}`)).toMatchObject({ status: 'declined', decision_code: 'agent_revoked', failure_reason: 'Agent is revoked', rail_transaction_id: null });
    expect((await eventsOf(s, p.payment.id)).map((e) => e.type)).toEqual(['payment.requires_approval', 'payment.declined']);
    expect(await auditOf(p.payment.id)).toEqual(['payment.requires_approval', 'payment.declined']);
    expect(await get(`/v1/spend-requests/${p.payment.spend_request_id}`)).toMatchObject(declined);

    expect(await get(`/v1/spend-guard/reservations/${p.reservation.id}`)).toMatchObject({ status: 'declined', decision_code: 'agent_revoked' });
    expect((await eventsOf(s, p.reservation.id)).map((e) => e.type)).toEqual(['reservation.needs_approval', 'reservation.declined']);

    // Nothing was held for any of them, so nothing moved.
    for (const id of [p.spend.id, p.intent.id, p.payment.spend_request_id, p.reservation.id]) expect(await ledgerOf(s, id)).toEqual([]);
    expect(await walletBalance(s)).toEqual(before);
    expect((await get(`/v1/spend-requests/${theirs.body.id}`)).status).toBe('needs_approval');
  });

  it('approving or declining one of them afterwards answers 409 invalid_state, as for any decided approval, and changes nothing', async () => {
    const ag = await approver('revoked-then-approved');
    const p = await pendingOf(ag);
    expect((await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt })).status).toBe(200);
    for (const id of p.approvalIds) {
      expectError(await api(s.url, 'POST', `/v1/approvals/${id}/approve`, { key: s.mgmt, body: {} }), 409, 'invalid_state');
      expectError(await api(s.url, 'POST', `/v1/approvals/${id}/decline`, { key: s.mgmt, body: {} }), 409, 'invalid_state');
      expect((await get(`/v1/approvals/${id}`)).status).toBe('declined');
    }
    expect((await get(`/v1/payments/${p.payment.id}`)).status).toBe('declined');
    expect((await eventsOf(s, p.payment.id)).map((e) => e.type)).toEqual(['payment.requires_approval', 'payment.declined']);
  });

  it('pausing closes nothing: the requests still wait, and an operator can decide them once the agent resumes', async () => {
    const ag = await approver('paused-with-queue');
    const p = await pendingOf(ag);
    expect((await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt })).status).toBe(200);
    expect(await pendingApprovalIds()).toEqual(expect.arrayContaining(p.approvalIds));
    expect((await get(`/v1/spend-requests/${p.spend.id}`)).status).toBe('needs_approval');
    expect((await get(`/v1/payments/${p.payment.id}`)).status).toBe('requires_approval');
    expect((await get(`/v1/cards/${p.cardId}`)).held_cents).toBe(6000);
    expect((await api(s.url, 'POST', `/v1/agents/${ag.agentId}/resume`, { key: s.mgmt })).status).toBe(200);
    const ok = await api(s.url, 'POST', `/v1/approvals/${p.spend.approval_id}/approve`, { key: s.mgmt, body: {} });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect((await get(`/v1/spend-requests/${p.spend.id}`)).status).toBe('approved');
  });
});
