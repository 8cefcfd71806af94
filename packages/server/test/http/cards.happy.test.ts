import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLuhnValid } from '../../src/rails/issuer.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, freshAgent, listAll, walletBalance } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ BURSAR_LOG_LEVEL: 'trace' });
});
afterAll(() => s.close());

const checkout = (amount: number, merchant = 'Acme Store', extra: Record<string, unknown> = {}) => ({
  amount_cents: amount, currency: 'usd', merchant_name: merchant, reason: 'buy a thing', ...extra,
});
const authorize = (body: Record<string, unknown>) => api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { currency: 'usd', ...body } });

/** Every number and CVC a test has seen, to prove none of them leaks. */
const secrets: string[] = [];

describe('cards', () => {
  it('the default policy was provisioned with a default card held by the default agent', async () => {
    const cards = await listAll(s, '/v1/cards', s.mgmt);
    const def = cards.find((c) => c.is_default);
    expect(def).toMatchObject({ object: 'card', type: 'multi_use', status: 'active', brand: 'visa', policy_id: s.policyId, agent_id: s.agentId, issuer: 'sandbox' });
    expect(def.last4).toMatch(/^\d{4}$/);
    expect(def).not.toHaveProperty('number');
    expect(def).not.toHaveProperty('cvc');
  });

  it('issues a card under a policy, shows last4/brand/expiry only, and freezes, unfreezes and cancels it', async () => {
    const created = await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 5000, agent_id: s.agentId } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^card_/), status: 'active', spend_limit_cents: 5000, spent_cents: 0, held_cents: 0, agent_id: s.agentId });
    expect(Object.keys(created.body)).not.toEqual(expect.arrayContaining(['number', 'cvc']));
    expect(created.body.exp_year).toBeGreaterThanOrEqual(new Date().getUTCFullYear() + 2);
    const id = created.body.id;
    expect((await api(s.url, 'GET', `/v1/cards/${id}`, { key: s.mgmt })).body).toEqual(created.body);
    const frozen = await api(s.url, 'POST', `/v1/cards/${id}/freeze`, { key: s.mgmt });
    expect(frozen.body.status).toBe('frozen');
    expect((await api(s.url, 'POST', `/v1/cards/${id}/freeze`, { key: s.mgmt })).body.status).toBe('frozen');
    const declined = await authorize({ card_id: id, merchant_name: 'AWS', amount_cents: 100 });
    expect(declined.body).toMatchObject({ status: 'declined', decline_code: 'card_frozen', spend_request_id: null });
    expect((await api(s.url, 'POST', `/v1/cards/${id}/unfreeze`, { key: s.mgmt })).body.status).toBe('active');
    expect((await authorize({ card_id: id, merchant_name: 'AWS', amount_cents: 100 })).body.status).toBe('approved');
    expect((await api(s.url, 'POST', `/v1/cards/${id}/cancel`, { key: s.mgmt })).body.status).toBe('cancelled');
    const again = await api(s.url, 'POST', `/v1/cards/${id}/unfreeze`, { key: s.mgmt });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('invalid_state');
    expect((await authorize({ card_id: id, merchant_name: 'AWS', amount_cents: 100 })).body.decline_code).toBe('card_cancelled');
    expect((await eventsOf(s, id)).map((e) => e.type)).toEqual(['card.created', 'card.frozen', 'card.unfrozen', 'card.cancelled']);
  });

  it('without agent_id a card gets a cardholder agent of its own under the policy', async () => {
    const created = await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'single_use', name: 'one shot' } });
    expect(created.status).toBe(201);
    const agent = await api(s.url, 'GET', `/v1/agents/${created.body.agent_id}`, { key: s.mgmt });
    expect(agent.body).toMatchObject({ policy_id: s.policyId, status: 'active' });
    const first = await authorize({ card_id: created.body.id, merchant_name: 'AWS', amount_cents: 300 });
    expect(first.body.status).toBe('approved');
    expect((await api(s.url, 'GET', `/v1/cards/${created.body.id}`, { key: s.mgmt })).body).toMatchObject({ status: 'used', held_cents: 300 });
    expect((await authorize({ card_id: created.body.id, merchant_name: 'AWS', amount_cents: 300 })).body.decline_code).toBe('card_used');
  });

  it("a card's spend limit bounds its authorizations; capture and reverse settle the hold", async () => {
    const card = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 1000, agent_id: s.agentId } })).body;
    const before = await walletBalance(s);
    const a = await authorize({ card_id: card.id, merchant_name: 'OpenAI', mcc: '5734', amount_cents: 600 });
    expect(a.body).toMatchObject({ status: 'approved', mcc: '5734', last4: card.last4, decline_code: null, spend_request_id: expect.stringMatching(/^req_/) });
    expect(await walletBalance(s)).toEqual({ available: before.available - 600, held: before.held + 600 });
    const over = await authorize({ card_id: card.id, merchant_name: 'OpenAI', amount_cents: 500 });
    expect(over.body).toMatchObject({ status: 'declined', decline_code: 'exceeds_card_limit' });
    const captured = await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${a.body.id}/capture`, { key: s.mgmt, body: { amount_cents: 550 } });
    expect(captured.body).toMatchObject({ status: 'captured', captured_amount_cents: 550 });
    expect(await walletBalance(s)).toEqual({ available: before.available - 550, held: before.held });
    expect((await api(s.url, 'GET', `/v1/cards/${card.id}`, { key: s.mgmt })).body).toMatchObject({ spent_cents: 550, held_cents: 0 });
    const b = await authorize({ card_id: card.id, merchant_name: 'OpenAI', amount_cents: 450 });
    expect(b.body.status).toBe('approved');
    expect((await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${b.body.id}/reverse`, { key: s.mgmt })).body.status).toBe('reversed');
    expect(await walletBalance(s)).toEqual({ available: before.available - 550, held: before.held });
    const twice = await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${b.body.id}/capture`, { key: s.mgmt });
    expect(twice.status).toBe(409);
    const spend = await api(s.url, 'GET', `/v1/spend-requests/${a.body.spend_request_id}`, { key: s.mgmt });
    expect(spend.body).toMatchObject({ status: 'completed', captured_amount_cents: 550, merchant_name: 'OpenAI' });
    expect((await eventsOf(s, a.body.id)).map((e) => e.type)).toEqual(['card_authorization.approved', 'card_authorization.captured']);
    expect((await eventsOf(s, over.body.id)).map((e) => e.type)).toEqual(['card_authorization.declined']);
    const listed = await listAll(s, `/v1/sandbox/card-authorizations?card_id=${card.id}`, s.mgmt);
    expect(listed.map((x) => x.status)).toEqual(['reversed', 'declined', 'captured']);
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });

  it('authorizations go through the policy: blocked merchants, approval thresholds and the wallet decline', async () => {
    const ag = await freshAgent(s, { blocked_merchants: ['Casino'], require_approval_over_cents: 1000 }, 'card policy');
    const card = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: ag.policyId, type: 'multi_use', agent_id: ag.agentId } })).body;
    expect((await authorize({ card_id: card.id, merchant_name: 'casino.com', amount_cents: 100 })).body).toMatchObject({ status: 'declined', decline_code: 'merchant_blocked' });
    const big = await authorize({ card_id: card.id, merchant_name: 'AWS', amount_cents: 5000 });
    expect(big.body).toMatchObject({ status: 'declined', decline_code: 'requires_approval' });
    // A network cannot wait for a human: the request is declined, not left in the approvals queue.
    expect((await api(s.url, 'GET', `/v1/spend-requests/${big.body.spend_request_id}`, { key: s.mgmt })).body.status).toBe('declined');
    const pending = await api(s.url, 'GET', '/v1/approvals?status=pending', { key: s.mgmt });
    expect(pending.body.data.map((x: any) => x.spend_request_id)).not.toContain(big.body.spend_request_id);
    expect((await authorize({ card_id: card.id, merchant_name: 'AWS', amount_cents: 100, currency: 'eur' })).body.decline_code).toBe('currency_mismatch');
  });
});

describe('checkout intents', () => {
  it('approved: holds the money and returns a single-use credential once; GET never shows it again', async () => {
    const before = await walletBalance(s);
    const created = await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(2500), headers: { 'idempotency-key': 'ci-1' } });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const ci = created.body;
    expect(ci).toMatchObject({ id: expect.stringMatching(/^ci_/), object: 'checkout_intent', status: 'approved', amount_cents: 2500, merchant_name: 'Acme Store', agent_id: s.agentId });
    expect(ci.credential).toMatchObject({ brand: 'visa', merchant_name: 'Acme Store', amount_cents: 2500, status: 'active', number: expect.stringMatching(/^\d{16}$/), cvc: expect.stringMatching(/^\d{3}$/) });
    expect(isLuhnValid(ci.credential.number)).toBe(true);
    expect(ci.credential.number.endsWith(ci.credential.last4)).toBe(true);
    const ttl = Date.parse(ci.credential.expires_at) - Date.parse(ci.created_at);
    expect(ttl).toBeGreaterThan(60_000);
    expect(ttl).toBeLessThanOrEqual(15 * 60_000);
    secrets.push(ci.credential.number, ci.credential.cvc);
    expect(await walletBalance(s)).toEqual({ available: before.available - 2500, held: before.held + 2500 });

    const replay = await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(2500), headers: { 'idempotency-key': 'ci-1' } });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.body.id).toBe(ci.id);
    expect(replay.body.credential).not.toHaveProperty('number');
    for (const key of [s.spend, s.mgmt]) {
      const got = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key });
      expect(got.body.credential).toMatchObject({ last4: ci.credential.last4, card_id: ci.credential.card_id });
      expect(got.body.credential).not.toHaveProperty('number');
      expect(got.body.credential).not.toHaveProperty('cvc');
    }
    const card = await api(s.url, 'GET', `/v1/cards/${ci.credential.card_id}`, { key: s.mgmt });
    expect(card.body).toMatchObject({ type: 'single_use', checkout_intent_id: ci.id, merchant_name: 'Acme Store' });
    expect((await eventsOf(s, ci.id)).map((e) => e.type)).toEqual(expect.arrayContaining(['checkout_intent.approved']));
  });

  it('a JIT credential used twice, at another merchant or above its amount is declined; its capture settles the intent', async () => {
    const ci = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(4000, 'Acme Store') })).body;
    const number = ci.credential.number as string;
    secrets.push(number, ci.credential.cvc);
    expect((await authorize({ card_number: number, merchant_name: 'Other Shop', amount_cents: 1000 })).body).toMatchObject({ status: 'declined', decline_code: 'merchant_mismatch' });
    expect((await authorize({ card_number: number, merchant_name: 'Acme Store', amount_cents: 4001 })).body).toMatchObject({ status: 'declined', decline_code: 'amount_exceeds_credential' });
    const ok = await authorize({ card_number: number.replace(/(\d{4})/g, '$1 ').trim(), merchant_name: 'ACME STORE INC', amount_cents: 3900 });
    expect(ok.body).toMatchObject({ status: 'approved', spend_request_id: ci.id, last4: ci.credential.last4 });
    expect((await authorize({ card_number: number, merchant_name: 'Acme Store', amount_cents: 100 })).body).toMatchObject({ status: 'declined', decline_code: 'card_used' });
    const cancel = await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: s.spend });
    expect(cancel.status).toBe(409);
    const before = await walletBalance(s);
    const cap = await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${ok.body.id}/capture`, { key: s.mgmt });
    expect(cap.body).toMatchObject({ status: 'captured', captured_amount_cents: 3900 });
    // 3900 captured, the 100 left of the 4000 hold released.
    expect(await walletBalance(s)).toEqual({ available: before.available + 100, held: before.held - 4000 });
    const after = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.spend });
    expect(after.body).toMatchObject({ status: 'completed', captured_amount_cents: 3900 });
    expect(after.body.credential.status).toBe('used');
    expect((await eventsOf(s, ci.id)).map((e) => e.type)).toContain('checkout_intent.completed');
  });

  it('cancelling releases the hold and kills the credential', async () => {
    const before = await walletBalance(s);
    const ci = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(700) })).body;
    secrets.push(ci.credential.number, ci.credential.cvc);
    const cancelled = await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: s.spend });
    expect(cancelled.body).toMatchObject({ status: 'cancelled' });
    expect(cancelled.body.credential.status).toBe('cancelled');
    expect(await walletBalance(s)).toEqual(before);
    expect((await authorize({ card_number: ci.credential.number, merchant_name: 'Acme Store', amount_cents: 700 })).body.decline_code).toBe('card_cancelled');
    expect((await api(s.url, 'POST', `/v1/checkout-intents/${ci.id}/cancel`, { key: s.spend })).status).toBe(409);
  });

  it('needs_approval: no credential until an operator approves; then the agent sees it once', async () => {
    const ci = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(30_000, 'Big Vendor') })).body;
    expect(ci).toMatchObject({ status: 'needs_approval', credential: null, approval_url: expect.stringContaining(ci.id) });
    expect((await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.spend })).body.credential).toBeNull();
    const decided = await api(s.url, 'POST', `/v1/approvals/${ci.approval_id}/approve`, { key: s.mgmt, body: {} });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    const operatorView = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.mgmt });
    expect(operatorView.body).toMatchObject({ status: 'approved', credential: null });
    const first = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.spend });
    expect(first.body.credential).toMatchObject({ number: expect.stringMatching(/^\d{16}$/), cvc: expect.stringMatching(/^\d{3}$/), amount_cents: 30_000 });
    secrets.push(first.body.credential.number, first.body.credential.cvc);
    const second = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.spend });
    expect(second.body.credential).not.toHaveProperty('number');
    expect(second.body.credential.card_id).toBe(first.body.credential.card_id);
    expect(Date.parse(second.body.expires_at)).toBeLessThanOrEqual(Date.now() + 15 * 60_000);
  });

  it('declined behaves like a spend request; a shortfall is a 402 recorded as declined', async () => {
    const ag = await freshAgent(s, { blocked_merchants: ['Nope'] }, 'ci decline');
    const declined = await api(s.url, 'POST', '/v1/checkout-intents', { key: ag.key, body: checkout(100, 'Nope') });
    expect(declined.body).toMatchObject({ status: 'declined', decision_code: 'merchant_blocked', credential: null });
    const poor = await freshAgent(s, {}, 'ci poor');
    const bal = await walletBalance(s);
    const short = await api(s.url, 'POST', '/v1/checkout-intents', { key: poor.key, body: checkout(bal.available + 1) });
    expect(short.status).toBe(402);
    expect(short.body.error).toMatchObject({ code: 'funding_source_budget_exceeded', checkout_intent: { status: 'declined', decision_code: 'insufficient_funds', credential: null } });
  });

  it("a funding card's spend limit counts open intents until they settle", async () => {
    const funding = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 5000, agent_id: s.agentId } })).body;
    const cardOf = async () => (await api(s.url, 'GET', `/v1/cards/${funding.id}`, { key: s.mgmt })).body;
    const first = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(3000, 'Acme Store', { card_id: funding.id }) })).body;
    secrets.push(first.credential.number, first.credential.cvc);
    expect(first).toMatchObject({ status: 'approved', card_id: funding.id });
    expect(await cardOf()).toMatchObject({ held_cents: 3000, spent_cents: 0 });
    expectError(await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(3000, 'Acme Store', { card_id: funding.id }) }), 400, 'invalid_request', 'amount_cents');
    await api(s.url, 'POST', `/v1/checkout-intents/${first.id}/cancel`, { key: s.spend });
    expect(await cardOf()).toMatchObject({ held_cents: 0, spent_cents: 0 });
    const second = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(3000, 'Acme Store', { card_id: funding.id }) })).body;
    secrets.push(second.credential.number, second.credential.cvc);
    const started = Date.now();
    const auth = await authorize({ card_number: second.credential.number, merchant_name: 'Acme Store', amount_cents: 2500 });
    // Card networks give an issuer about 2 s to answer.
    expect(Date.now() - started).toBeLessThan(2000);
    await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${auth.body.id}/capture`, { key: s.mgmt });
    expect(await cardOf()).toMatchObject({ held_cents: 0, spent_cents: 2500 });
  });

  it('lists an agent its own intents only, with last4 only', async () => {
    const other = await freshAgent(s, {}, 'ci other');
    await api(s.url, 'POST', '/v1/checkout-intents', { key: other.key, body: checkout(100) }).then((r) => secrets.push(r.body.credential.number, r.body.credential.cvc));
    const mine = await listAll(s, '/v1/checkout-intents', s.spend);
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((x) => x.agent_id === s.agentId)).toBe(true);
    const all = await listAll(s, '/v1/checkout-intents', s.mgmt);
    expect(all.some((x) => x.agent_id === other.agentId)).toBe(true);
    expect((await listAll(s, '/v1/checkout-intents?status=cancelled', s.mgmt)).every((x) => x.status === 'cancelled')).toBe(true);
  });

  it('are not spend requests in GET /v1/spend-requests, nor are reservations: that list stays newest first', async () => {
    const intent = await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: checkout(100) });
    secrets.push(intent.body.credential.number, intent.body.credential.cvc);
    const reservation = await api(s.url, 'POST', '/v1/spend-guard/reservations', { key: s.spend, body: { currency: 'usd', amount_cents: 100, merchant_name: 'OpenAI', reason: 'LLM call' } });
    expect(reservation.body.id).toMatch(/^res_/);
    const spend = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: checkout(100) });
    for (const key of [s.mgmt, s.spend]) {
      const listed = await listAll(s, '/v1/spend-requests', key);
      const ids = listed.map((x) => x.id as string);
      expect(ids).toContain(spend.body.id);
      expect(ids).not.toContain(intent.body.id);
      expect(ids).not.toContain(reservation.body.id);
      expect(ids.every((id) => id.startsWith('req_'))).toBe(true);
      const times = listed.map((x) => Date.parse(x.created_at));
      expect(times).toEqual([...times].sort((a, b) => b - a));
    }
    // Each is still found through the approval that may point at it.
    expect((await api(s.url, 'GET', `/v1/spend-requests/${reservation.body.id}`, { key: s.mgmt })).status).toBe(200);
  });
});

describe('secrets', () => {
  it('never appear in list responses, events, the audit log, logs or the database in plaintext', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(8);
    const numbers = secrets.filter((x) => x.length > 4);
    const responses = JSON.stringify([
      await listAll(s, '/v1/cards', s.mgmt),
      await listAll(s, '/v1/checkout-intents', s.mgmt),
      await listAll(s, '/v1/sandbox/card-authorizations', s.mgmt),
      await listAll(s, '/v1/spend-requests', s.mgmt),
      await listAll(s, '/v1/events', s.mgmt),
    ]);
    for (const n of numbers) expect(responses).not.toContain(n);
    await new Promise((r) => setTimeout(r, 50));
    const logs = s.logs.join('');
    for (const secret of numbers) expect(logs).not.toContain(secret);
    const db = s.server.db.db;
    const tables = ['cards', 'events', 'audit_log', 'idempotency_keys', 'card_authorizations', 'spend_requests'];
    for (const t of tables) {
      const dump = JSON.stringify((await sql`select * from ${sql.table(t)}`.execute(db)).rows);
      for (const n of numbers) expect(dump, t).not.toContain(n);
    }
    const card = await db.selectFrom('cards').select(['number_sealed', 'cvc_sealed']).executeTakeFirstOrThrow();
    expect(card.number_sealed).toMatch(/^v1\./);
    expect(card.cvc_sealed).toMatch(/^v1\./);
  });
});
