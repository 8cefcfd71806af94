import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, freshAgent, ledgerOf, walletBalance, type FreshAgent } from './support.js';

let s: TestServer;
let ag: FreshAgent;
beforeAll(async () => {
  s = await startTestServer();
  // Its own policy: human approval over $20, a budget the tests cannot exhaust.
  ag = await freshAgent(s, { monthly_limit_cents: 1_000_000, require_approval_over_cents: 2000 }, 'shopper');
});
afterAll(() => s.close());

const checkout = (amount: number, cardId?: string) => ({
  amount_cents: amount, currency: 'usd', merchant_name: 'Acme Store', reason: 'buy a thing', ...(cardId ? { card_id: cardId } : {}),
});
const newIntent = async (amount: number, cardId?: string) => {
  const r = await api(s.url, 'POST', '/v1/checkout-intents', { key: ag.key, body: checkout(amount, cardId) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
};
const fundingCard = async (limit = 100_000) => {
  const r = await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: ag.policyId, type: 'multi_use', spend_limit_cents: limit, agent_id: ag.agentId } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};
const card = async (id: string) => (await api(s.url, 'GET', `/v1/cards/${id}`, { key: s.mgmt })).body;
const intent = async (id: string) => (await api(s.url, 'GET', `/v1/checkout-intents/${id}`, { key: s.mgmt })).body;
const approval = async (id: string) => (await api(s.url, 'GET', `/v1/approvals/${id}`, { key: s.mgmt })).body;
const authorize = (body: Record<string, unknown>) => api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { currency: 'usd', ...body } });

describe('cancelling a funding card', () => {
  it('cancels its open checkout intents in the same transaction: holds released, credentials dead, approvals closed', async () => {
    const before = await walletBalance(s);
    const funding = await fundingCard();
    const approved = await newIntent(1500, funding.id);
    const pending = await newIntent(5000, funding.id);
    const inUse = await newIntent(1200, funding.id);
    expect([approved.status, pending.status, inUse.status]).toEqual(['approved', 'needs_approval', 'approved']);
    const auth = await authorize({ card_number: inUse.credential.number, merchant_name: 'Acme Store', amount_cents: 1200 });
    expect(auth.body.status).toBe('approved');
    expect(await card(funding.id)).toMatchObject({ held_cents: 7700 });

    const cancelled = await api(s.url, 'POST', `/v1/cards/${funding.id}/cancel`, { key: s.mgmt });
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    // Only the intent with an open authorization still counts: it is left to be captured or reversed.
    expect(cancelled.body).toMatchObject({ status: 'cancelled', held_cents: 1200 });

    const a = await intent(approved.id);
    expect(a).toMatchObject({ status: 'cancelled' });
    expect(a.credential.status).toBe('cancelled');
    expect((await ledgerOf(s, approved.id)).map((x) => x.type)).toEqual(['hold', 'release']);
    expect((await authorize({ card_number: approved.credential.number, merchant_name: 'Acme Store', amount_cents: 1500 })).body.decline_code).toBe('card_cancelled');

    expect(await intent(pending.id)).toMatchObject({ status: 'cancelled' });
    expect(await approval(pending.approval_id)).toMatchObject({ status: 'declined', note: `Funding card ${funding.id} cancelled` });
    expectError409(await api(s.url, 'POST', `/v1/approvals/${pending.approval_id}/approve`, { key: s.mgmt, body: {} }));

    expect(await intent(inUse.id)).toMatchObject({ status: 'approved' });
    expect(await walletBalance(s)).toEqual({ available: before.available - 1200, held: before.held + 1200 });
    for (const id of [approved.id, pending.id]) expect((await eventsOf(s, id)).map((e) => e.type)).toContain('checkout_intent.cancelled');
    const cardEvents = await eventsOf(s, funding.id);
    expect(cardEvents.at(-1)).toMatchObject({ type: 'card.cancelled', object: { status: 'cancelled', held_cents: 1200 } });

    // The open authorization still settles normally, against the cancelled card.
    const rev = await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${auth.body.id}/reverse`, { key: s.mgmt });
    expect(rev.body.status).toBe('reversed');
    expect(await walletBalance(s)).toEqual(before);
    expect((await card(funding.id)).held_cents).toBe(0);
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });

  it("cancelling a just-in-time credential cancels its intent and releases the hold at once", async () => {
    const before = await walletBalance(s);
    const ci = await newIntent(800);
    expect((await walletBalance(s)).held).toBe(before.held + 800);
    const r = await api(s.url, 'POST', `/v1/cards/${ci.credential.card_id}/cancel`, { key: s.mgmt });
    expect(r.body).toMatchObject({ status: 'cancelled', checkout_intent_id: ci.id });
    expect(await intent(ci.id)).toMatchObject({ status: 'cancelled', credential: { status: 'cancelled' } });
    expect(await walletBalance(s)).toEqual(before);
    expect((await ledgerOf(s, ci.id)).map((x) => x.type)).toEqual(['hold', 'release']);
    // One card.cancelled event for the credential, not a second one from the intent's cancellation.
    expect((await eventsOf(s, ci.credential.card_id)).map((e) => e.type)).toEqual(['card.created', 'card.cancelled']);
  });

  it('freezing keeps the holds (a frozen card can be unfrozen) and blocks the credentials it funds; cancelling later releases them', async () => {
    const funding = await fundingCard();
    const ci = await newIntent(900, funding.id);
    expect((await api(s.url, 'POST', `/v1/cards/${funding.id}/freeze`, { key: s.mgmt })).body).toMatchObject({ status: 'frozen', held_cents: 900 });
    expect(await intent(ci.id)).toMatchObject({ status: 'approved' });
    // While its funding card is frozen the credential is frozen too; unfrozen, it works again.
    const use = () => authorize({ card_number: ci.credential.number, merchant_name: 'Acme Store', amount_cents: 900 });
    const declined = await use();
    expect(declined.body).toMatchObject({ status: 'declined', decline_code: 'card_frozen' });
    expect((await card(funding.id)).held_cents).toBe(900);
    expect((await api(s.url, 'POST', `/v1/cards/${funding.id}/unfreeze`, { key: s.mgmt })).body).toMatchObject({ status: 'active' });
    const approved = await use();
    expect(approved.body).toMatchObject({ status: 'approved' });
    expect((await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${approved.body.id}/reverse`, { key: s.mgmt })).body.status).toBe('reversed');
    expect((await api(s.url, 'POST', `/v1/cards/${funding.id}/freeze`, { key: s.mgmt })).body.status).toBe('frozen');
    expect((await api(s.url, 'POST', `/v1/cards/${funding.id}/cancel`, { key: s.mgmt })).body).toMatchObject({ status: 'cancelled', held_cents: 0 });
    expect(await intent(ci.id)).toMatchObject({ status: 'cancelled' });
  });
});

describe('an agent withdrawing a pending checkout intent', () => {
  it('cancels it: the approval closes as withdrawn, the funding card is freed, nothing was held', async () => {
    const before = await walletBalance(s);
    const funding = await fundingCard();
    const ci = await newIntent(6000, funding.id);
    expect(ci.status).toBe('needs_approval');
    expect((await card(funding.id)).held_cents).toBe(6000);

    const r = await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: ag.key });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ status: 'cancelled', credential: null });
    expect(r.body).not.toHaveProperty('approval_url');
    expect(await approval(ci.approval_id)).toMatchObject({ status: 'declined', note: 'Withdrawn by the agent', decided_by: ag.keyId });
    expect((await card(funding.id)).held_cents).toBe(0);
    expect(await walletBalance(s)).toEqual(before);
    expect(await ledgerOf(s, ci.id)).toEqual([]);

    expectError409(await api(s.url, 'POST', `/v1/approvals/${ci.approval_id}/approve`, { key: s.mgmt, body: {} }));
    expectError409(await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: ag.key }));
    const pendingIds = (await api(s.url, 'GET', '/v1/approvals?status=pending&limit=100', { key: s.mgmt })).body.data.map((x: any) => x.id);
    expect(pendingIds).not.toContain(ci.approval_id);
    expect((await eventsOf(s, ci.id)).map((e) => e.type)).toEqual(['spend_request.needs_approval', 'checkout_intent.needs_approval', 'spend_request.cancelled', 'checkout_intent.cancelled']);
    expect((await eventsOf(s, ci.approval_id)).map((e) => e.type)).toEqual(['approval.created', 'approval.declined']);
    const audit = await s.server.db.db.selectFrom('audit_log').select('action').where('object_id', '=', ci.approval_id).execute();
    expect(audit.map((a) => a.action)).toEqual(['approval.withdrawn']);
  });

  it("another agent cannot withdraw it", async () => {
    const ci = await newIntent(5000);
    const other = await freshAgent(s, {}, 'stranger');
    expect((await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: other.key })).status).toBe(404);
    expect(await intent(ci.id)).toMatchObject({ status: 'needs_approval' });
  });
});

function expectError409(res: { status: number; body: any }) {
  expect(res.status, JSON.stringify(res.body)).toBe(409);
  expect(res.body.error.code).toBe('invalid_state');
}
