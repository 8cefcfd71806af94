import { createLocalJWKSet, decodeJwt, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, freshAgent, ledgerOf, walletBalance } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const paymentBody = (amount: number, extra: Record<string, unknown> = {}) => ({ amount_cents: amount, currency: 'usd', merchant_name: 'AWS', ...extra });

async function mandate(agentId: string, extra: Record<string, unknown> = {}) {
  const r = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: agentId, description: 'cloud bills', currency: 'usd', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function token(agentId: string, mandateId: string, extra: Record<string, unknown> = {}) {
  const r = await api(s.url, 'POST', `/v1/agents/${agentId}/execution-tokens`, {
    key: s.mgmt,
    body: { mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments', ...extra },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

describe('mandates', () => {
  it('creates, reads and updates a mandate; every change is audited', async () => {
    const m = await mandate(s.agentId, { max_amount_cents: 5000, total_limit_cents: 20_000, allowed_merchants: ['AWS'], expires_at: new Date(Date.now() + 86_400_000).toISOString() });
    expect(m).toMatchObject({ object: 'mandate', status: 'active', spent_cents: 0, remaining_cents: 20_000, allowed_merchants: ['AWS'], allowed_categories: [] });
    expect(m.id).toMatch(/^mdt_/);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body).toEqual(m);
    const u = await api(s.url, 'PUT', `/v1/mandates/${m.id}`, { key: s.mgmt, body: { max_amount_cents: 7000, description: 'cloud and GPUs' } });
    expect(u.body).toMatchObject({ max_amount_cents: 7000, description: 'cloud and GPUs', total_limit_cents: 20_000 });
    const audit = await s.server.db.db.selectFrom('audit_log').selectAll().where('object_id', '=', m.id).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['mandate.created', 'mandate.updated']);
    expect(JSON.parse(audit[1]!.before!).max_amount_cents).toBe(5000);
    const revoked = await api(s.url, 'PUT', `/v1/mandates/${m.id}`, { key: s.mgmt, body: { status: 'revoked' } });
    expect(revoked.body.status).toBe('revoked');
  });
});

describe('execution tokens and payments', () => {
  it('mints an Ed25519 token verifiable offline with sub, mandate, act, aud, exp, jti', async () => {
    const m = await mandate(s.agentId);
    const t = await token(s.agentId, m.id, { ttl_seconds: 60 });
    expect(t).toMatchObject({ object: 'execution_token', agent_id: s.agentId, mandate_id: m.id, action: 'payment.create', audience: 'bursar:payments' });
    const jwks = (await api(s.url, 'GET', '/.well-known/jwks.json')).body;
    const { payload, protectedHeader } = await jwtVerify(t.token, createLocalJWKSet(jwks), { audience: 'bursar:payments' });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    expect(payload).toMatchObject({ sub: s.agentId, mandate: m.id, act: 'payment.create', aud: 'bursar:payments', jti: t.jti });
    expect(payload.exp! * 1000).toBe(Date.parse(t.expires_at));
    expect(payload.exp! - payload.iat!).toBeGreaterThanOrEqual(59);
    expect(payload.exp! - payload.iat!).toBeLessThanOrEqual(61);
    const def = await token(s.agentId, m.id);
    const d = decodeJwt(def.token);
    expect(d.exp! - d.iat!).toBeGreaterThanOrEqual(299);
  });

  it('pays through the ledger with the sandbox rail and counts against the mandate', async () => {
    const m = await mandate(s.agentId, { total_limit_cents: 10_000 });
    const t = await token(s.agentId, m.id);
    const before = await walletBalance(s);
    const p = await api(s.url, 'POST', '/v1/payments', { key: t.token, body: paymentBody(2500, { description: 'invoice 42', category: 'cloud' }) });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body).toMatchObject({ object: 'payment', status: 'succeeded', amount_cents: 2500, mandate_id: m.id, agent_id: s.agentId, rail: 'sandbox', decision_code: 'approved' });
    expect(p.body.id).toMatch(/^pay_/);
    expect(p.body.rail_transaction_id).toMatch(/^sbx_/);
    expect(await walletBalance(s)).toEqual({ available: before.available - 2500, held: before.held });
    expect((await ledgerOf(s, p.body.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'capture']);
    expect((await eventsOf(s, p.body.id)).map((e) => e.type)).toEqual(['payment.succeeded']);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body).toMatchObject({ spent_cents: 2500, remaining_cents: 7500 });
    expect((await api(s.url, 'GET', `/v1/payments/${p.body.id}`, { key: s.mgmt })).body).toEqual(p.body);
    const list = await api(s.url, 'GET', `/v1/payments?mandate_id=${m.id}`, { key: s.mgmt });
    expect(list.body).toMatchObject({ data: [p.body], has_more: false, next_cursor: null });
    expect((await api(s.url, 'GET', '/v1/payments', { key: s.spend })).body.data.map((x: any) => x.id)).toContain(p.body.id);
  });

  it('a failing rail releases the hold; a policy decline is recorded; lists page with a cursor', async () => {
    const ag = await freshAgent(s, { blocked_merchants: ['Casino'] }, 'payer');
    const m = await mandate(ag.agentId);
    const failed = await api(s.url, 'POST', '/v1/payments', { key: (await token(ag.agentId, m.id)).token, body: paymentBody(100, { simulate: 'fail' }) });
    expect(failed.body).toMatchObject({ status: 'failed', failure_reason: expect.any(String) });
    const declined = await api(s.url, 'POST', '/v1/payments', { key: (await token(ag.agentId, m.id)).token, body: paymentBody(100, { merchant_name: 'casino' }) });
    expect(declined.body).toMatchObject({ status: 'declined', decision_code: 'merchant_blocked', reasons: [{ code: 'merchant_blocked' }] });
    const page1 = await api(s.url, 'GET', `/v1/payments?agent_id=${ag.agentId}&limit=1`, { key: s.mgmt });
    expect(page1.body).toMatchObject({ has_more: true, data: [{ id: declined.body.id }] });
    const page2 = await api(s.url, 'GET', `/v1/payments?agent_id=${ag.agentId}&limit=1&cursor=${page1.body.next_cursor}`, { key: s.mgmt });
    expect(page2.body).toMatchObject({ has_more: false, data: [{ id: failed.body.id }] });
    expect((await api(s.url, 'GET', `/v1/payments?agent_id=${ag.agentId}&status=failed`, { key: s.mgmt })).body.data).toHaveLength(1);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body.spent_cents).toBe(0);
  });
});
