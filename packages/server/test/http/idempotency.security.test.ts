import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange, freshAgent, listAll } from './support.js';

describe('idempotency keys are scoped to the credential', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it("another agent using the same key and body gets its own request, never the first agent's answer", async () => {
    const a = await freshAgent(s, {}, 'a');
    const b = await freshAgent(s, {}, 'b');
    const headers = { 'idempotency-key': 'shared-key' };
    const ra = await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(100), headers });
    const rb = await api(s.url, 'POST', '/v1/spend', { key: b.key, body: spendBody(100), headers });
    expect(ra.status).toBe(200);
    expect(rb.status).toBe(200);
    expect(rb.headers.get('idempotent-replayed')).toBeNull();
    expect(rb.body.id).not.toBe(ra.body.id);
    expect(rb.body.agent_id).toBe(b.agentId);
    // And a different body under the same key value is no 422 for the other credential.
    const c = await freshAgent(s, {}, 'c');
    const rc = await api(s.url, 'POST', '/v1/spend', { key: c.key, body: spendBody(777), headers });
    expect(rc.status).toBe(200);
    expect(rc.body.amount_cents).toBe(777);
  });

  it('two keys of one agent are two scopes', async () => {
    const a = await freshAgent(s, {}, 'two-keys');
    const second = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: a.agentId } });
    const headers = { 'idempotency-key': 'per-key' };
    const r1 = await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(100), headers });
    const r2 = await api(s.url, 'POST', '/v1/spend', { key: second.body.key, body: spendBody(100), headers });
    expect(r2.headers.get('idempotent-replayed')).toBeNull();
    expect(r2.body.id).not.toBe(r1.body.id);
    expect(await listAll(s, `/v1/spend-requests?agent_id=${a.agentId}`, s.mgmt)).toHaveLength(2);
  });

  it('two management keys are two scopes', async () => {
    const other = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management' } });
    const headers = { 'idempotency-key': 'ops-key' };
    const p1 = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'p' }, headers });
    const p2 = await api(s.url, 'POST', '/v1/policies', { key: other.body.key, body: { name: 'p' }, headers });
    expect(p2.status).toBe(201);
    expect(p2.headers.get('idempotent-replayed')).toBeNull();
    expect(p2.body.id).not.toBe(p1.body.id);
  });

  it('a revoked key cannot replay its stored answers', async () => {
    const a = await freshAgent(s, {}, 'revoked-replay');
    const headers = { 'idempotency-key': 'before-revoke' };
    expect((await api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(100), headers })).status).toBe(200);
    await api(s.url, 'DELETE', `/v1/api-keys/${a.keyId}`, { key: s.mgmt });
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { key: a.key, body: spendBody(100), headers }));
    expectError(r, 401, 'revoked_api_key');
    expect(r.headers.get('idempotent-replayed')).toBeNull();
  });

  it('no key with an idempotency key is still a 401', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/spend', { body: spendBody(100), headers: { 'idempotency-key': 'before-revoke' } }));
    expectError(r, 401, 'invalid_api_key');
  });
});
