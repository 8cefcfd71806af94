import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let mandateId: string;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  mandateId = (await mandate(s.agentId)).id;
});
afterAll(() => s.close());

const pay = (amount = 100) => ({ amount_cents: amount, currency: 'usd', merchant_name: 'AWS' });

async function mandate(agentId: string, extra: Record<string, unknown> = {}) {
  const r = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: agentId, description: 'm', currency: 'usd', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

async function token(agentId: string, mId: string, extra: Record<string, unknown> = {}): Promise<string> {
  const r = await api(s.url, 'POST', `/v1/agents/${agentId}/execution-tokens`, {
    key: s.mgmt,
    body: { mandate_id: mId, action: 'payment.create', audience: 'bursar:payments', ...extra },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.token;
}

const mgmtRoutes: Record<string, () => RouteCase> = {
  'POST /v1/mandates': () => ({ method: 'POST', path: '/v1/mandates', body: { agent_id: s.agentId, description: 'x', currency: 'usd' } }),
  'GET /v1/mandates/:id': () => ({ method: 'GET', path: `/v1/mandates/${mandateId}` }),
  'PUT /v1/mandates/:id': () => ({ method: 'PUT', path: `/v1/mandates/${mandateId}`, body: { status: 'revoked' } }),
  'POST /v1/agents/:id/execution-tokens': () => ({ method: 'POST', path: `/v1/agents/${s.agentId}/execution-tokens`, body: { mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments' } }),
};

describe.each(Object.keys(mgmtRoutes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, mgmtRoutes[name]!(), headers()));
    expectError(r, 401, code);
  });
  it('with a spending key is a 403 and changes nothing', async () => {
    const r = await expectNoStateChange(s, () => callWith(s, mgmtRoutes[name]!(), { authorization: `Bearer ${s.spend}` }));
    expectError(r, 403, 'forbidden');
  });
});

describe('GET /v1/payments and /v1/payments/:id', () => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code', async ({ headers, code }) => {
    expectError(await callWith(s, { method: 'GET', path: '/v1/payments' }, headers()), 401, code);
    expectError(await callWith(s, { method: 'GET', path: '/v1/payments/pay_x' }, headers()), 401, code);
  });
  it("a spending key does not see another agent's payment", async () => {
    const ag = await freshAgent(s, {}, 'other-payer');
    const m = await mandate(ag.agentId);
    const p = await api(s.url, 'POST', '/v1/payments', { key: await token(ag.agentId, m.id), body: pay() });
    expectError(await api(s.url, 'GET', `/v1/payments/${p.body.id}`, { key: s.spend }), 404, 'not_found');
    expect((await api(s.url, 'GET', `/v1/payments?agent_id=${ag.agentId}`, { key: s.spend })).body.data).toEqual([]);
  });
});

describe('POST /v1/payments refuses, changing nothing', () => {
  const refuse = async (key: string | undefined, status: number, code: string, body: unknown = pay()) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/payments', { key, body }));
    expectError(r, status, code);
  };

  it('no token, a spending key, a management key, garbage', async () => {
    await refuse(undefined, 401, 'invalid_execution_token');
    await refuse(s.spend, 401, 'invalid_execution_token');
    await refuse(s.mgmt, 401, 'invalid_execution_token');
    await refuse('eyJhbGciOiJFZERTQSJ9.e30.AAAA', 401, 'invalid_execution_token');
  });

  it('a replayed token: the second use is refused and nothing moves', async () => {
    const t = await token(s.agentId, mandateId);
    expect((await api(s.url, 'POST', '/v1/payments', { key: t, body: pay() })).body.status).toBe('succeeded');
    await refuse(t, 401, 'execution_token_replayed');
    await refuse(t, 401, 'execution_token_replayed', pay(999));
  });

  it('racing replays of one token pay once', async () => {
    const t = await token(s.agentId, mandateId);
    const rs = await Promise.all(Array.from({ length: 10 }, () => api(s.url, 'POST', '/v1/payments', { key: t, body: pay() })));
    expect(rs.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of rs.filter((x) => x.status !== 200)) expectError(r, 401, 'execution_token_replayed');
  });

  it('a token for another audience, another action, or a forged signature', async () => {
    await refuse(await token(s.agentId, mandateId, { audience: 'https://merchant.example' }), 403, 'execution_token_audience_mismatch');
    await refuse(await token(s.agentId, mandateId, { action: 'refund.create' }), 403, 'execution_token_action_mismatch');
    const t = await token(s.agentId, mandateId);
    const [h, p] = t.split('.');
    await refuse(`${h}.${p}.${'A'.repeat(86)}`, 401, 'invalid_execution_token');
    // A token of another use (an authorization token) is not an execution token.
    const spend = await api(s.url, 'POST', '/v1/spend', { key: s.spend, body: { ...pay(), reason: 'r' } });
    await refuse(spend.body.authorization_token, 401, 'invalid_execution_token');
  });

  it('an expired token', async () => {
    const t = await token(s.agentId, mandateId, { ttl_seconds: 1 });
    await new Promise((r) => setTimeout(r, 2100));
    await refuse(t, 401, 'execution_token_expired');
  });

  it('a revoked, expired or exhausted mandate, or a payment outside it', async () => {
    const m = await mandate(s.agentId, { total_limit_cents: 150, max_amount_cents: 120, allowed_merchants: ['AWS'] });
    const inFlight = await token(s.agentId, m.id);
    await refuse(await token(s.agentId, m.id), 403, 'mandate_violation', pay(121));
    await refuse(await token(s.agentId, m.id), 403, 'mandate_violation', { ...pay(), merchant_name: 'GCP' });
    await refuse(await token(s.agentId, m.id), 403, 'mandate_violation', { ...pay(), currency: 'eur' });
    expect((await api(s.url, 'POST', '/v1/payments', { key: await token(s.agentId, m.id), body: pay(100) })).body.status).toBe('succeeded');
    await refuse(inFlight, 403, 'mandate_exhausted', pay(100));
    await api(s.url, 'PUT', `/v1/mandates/${m.id}`, { key: s.mgmt, body: { status: 'revoked' } });
    await refuse(inFlight, 403, 'mandate_revoked', pay(10));
    expectError(await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: m.id, action: 'payment.create', audience: 'bursar:payments' } }), 403, 'mandate_revoked');
    const short = await mandate(s.agentId, { expires_at: new Date(Date.now() + 1500).toISOString() });
    const t = await token(s.agentId, short.id);
    await new Promise((r) => setTimeout(r, 1600));
    await refuse(t, 403, 'mandate_expired');
  });

  it("a revoked agent's tokens die with it", async () => {
    const ag = await freshAgent(s, {}, 'doomed');
    const m = await mandate(ag.agentId);
    const t = await token(ag.agentId, m.id);
    expect((await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt })).status).toBe(200);
    await refuse(t, 403, 'agent_revoked');
    expectError(await api(s.url, 'POST', `/v1/agents/${ag.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: m.id, action: 'payment.create', audience: 'bursar:payments' } }), 409, 'invalid_state');
  });

  it("a token names its own agent's mandate only", async () => {
    const ag = await freshAgent(s, {}, 'stranger');
    expectError(
      await api(s.url, 'POST', `/v1/agents/${ag.agentId}/execution-tokens`, { key: s.mgmt, body: { mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments' } }),
      400,
      'invalid_request',
      'mandate_id',
    );
  });
});
