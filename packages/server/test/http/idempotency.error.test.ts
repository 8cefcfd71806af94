import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, freshAgent, listAll, type FreshAgent } from './support.js';

let s: TestServer;
let ag: FreshAgent;
beforeAll(async () => {
  s = await startTestServer();
  ag = await freshAgent(s, {}, 'idem-err');
});
afterAll(() => s.close());

describe('same key, different request', () => {
  it.each([
    { name: 'another amount', body: spendBody(101) },
    { name: 'another merchant', body: spendBody(100, { merchant_name: 'GCP' }) },
    { name: 'an added optional field', body: spendBody(100, { category: 'compute' }) },
    { name: 'metadata added', body: spendBody(100, { metadata: { a: 1 } }) },
  ])('with $name is a 422 idempotency_key_reused and changes nothing', async ({ body }) => {
    const headers = { 'idempotency-key': 'reused-1' };
    const first = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers });
    expect(first.status).toBe(200);
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, body, headers }));
    expectError(r, 422, 'idempotency_key_reused');
    expect(r.headers.get('idempotent-replayed')).toBeNull();
  });

  it('on the alias path is a different request: 422', async () => {
    const headers = { 'idempotency-key': 'path-1' };
    expect((await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(100), headers })).status).toBe(200);
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers }));
    expectError(r, 422, 'idempotency_key_reused');
  });

  it('on another spend request is a 422 and settles nothing', async () => {
    const a = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
    const b = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
    const headers = { 'idempotency-key': 'settle-1' };
    expect((await api(s.url, 'POST', `/v1/spend-requests/${a.body.id}/cancel`, { key: ag.key, headers })).status).toBe(200);
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/spend-requests/${b.body.id}/cancel`, { key: ag.key, headers }));
    expectError(r, 422, 'idempotency_key_reused');
    expect((await api(s.url, 'GET', `/v1/spend/${b.body.id}`, { key: ag.key })).body.status).toBe('approved');
  });

  it('on another endpoint is a 422', async () => {
    const headers = { 'idempotency-key': 'cross-endpoint' };
    expect((await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: {}, headers })).status).toBe(201);
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 100 }, headers }));
    expectError(r, 422, 'idempotency_key_reused');
  });
});

describe('keys that are not keys', () => {
  it('an Idempotency-Key over 255 characters is a 400 naming it', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers: { 'idempotency-key': 'k'.repeat(256) } }));
    expectError(r, 400, 'invalid_request', 'Idempotency-Key');
  });

  it('a key of exactly 255 characters is fine', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers: { 'idempotency-key': 'k'.repeat(255) } });
    expect(r.status).toBe(200);
  });
});

describe('a failed attempt does not use up its key', () => {
  it('after a 400 the same key serves a valid request', async () => {
    const headers = { 'idempotency-key': 'after-400' };
    expectError(await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(-1), headers }), 400, 'invalid_request', 'amount_cents');
    const ok = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('idempotent-replayed')).toBeNull();
  });

  it('after a 409 from the service the same key serves a valid request', async () => {
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
    await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/cancel`, { key: ag.key });
    const headers = { 'idempotency-key': 'after-409' };
    expectError(await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/cancel`, { key: ag.key, headers }), 409, 'invalid_state');
    const fresh = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers });
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('idempotent-replayed')).toBeNull();
  });

  it('after a 422 the first request is still the stored one', async () => {
    const headers = { 'idempotency-key': 'stays' };
    const first = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers });
    await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(200), headers });
    const again = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100), headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    const amounts = (await listAll(s, `/v1/spend-requests?agent_id=${ag.agentId}`, s.mgmt)).map((x) => x.amount_cents);
    expect(amounts).not.toContain(200);
  });
});
