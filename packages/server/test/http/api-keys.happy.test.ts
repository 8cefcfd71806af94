import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, listAll } from './support.js';

describe('api keys', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('creates a spending key for an agent; the plaintext is in this response only', async () => {
    const r = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId, name: 'ci runner' } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^key_[0-9a-z]{26}$/),
      object: 'api_key',
      type: 'spending',
      name: 'ci runner',
      prefix: r.body.key.slice(0, 17),
      agent_id: s.agentId,
      livemode: false,
      created_at: expect.any(String),
      last_used_at: null,
      revoked_at: null,
      key: expect.stringMatching(/^bsk_test_[A-Za-z0-9_-]{43}$/),
    });
    expect(r.body.prefix).toMatch(/^bsk_test_/);
    // It works as the agent.
    const spend = await api(s.url, 'POST', '/v1/spend', { key: r.body.key, body: spendBody(100) });
    expect(spend.status).toBe(200);
    expect(spend.body.agent_id).toBe(s.agentId);
    // The outbox event never carries the secret.
    const events = await eventsOf(s, r.body.id);
    expect(events.map((e) => e.type)).toEqual(['key.created']);
    expect(JSON.stringify(events)).not.toContain(r.body.key);
  });

  it('creates a spending key with type given explicitly', async () => {
    const r = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'spending', agent_id: s.agentId } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: 'spending', agent_id: s.agentId, name: null });
  });

  it('creates a management key that can manage', async () => {
    const r = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'ops' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ type: 'management', agent_id: null, name: 'ops' });
    expect(r.body.key).toMatch(/^bmk_test_[A-Za-z0-9_-]{43}$/);
    expect(r.body.prefix).toBe(r.body.key.slice(0, 17));
    const list = await api(s.url, 'GET', '/v1/policies', { key: r.body.key });
    expect(list.status).toBe(200);
  });

  it('never shows a secret in the list, and records last use', async () => {
    const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId, name: 'listed' } });
    await api(s.url, 'GET', '/v1/balance', { key: created.body.key });
    // The last use is recorded after the answer: list again until it shows (a few seconds at most).
    let all = await listAll(s, '/v1/api-keys', s.mgmt, 2);
    for (let i = 0; i < 50 && all.find((k) => k.id === created.body.id)?.last_used_at === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
      all = await listAll(s, '/v1/api-keys', s.mgmt, 2);
    }
    expect(all.length).toBeGreaterThanOrEqual(3);
    for (const k of all) {
      expect(k).not.toHaveProperty('key');
      expect(k).not.toHaveProperty('secret_hash');
      expect(Object.keys(k).sort()).toEqual(['agent_id', 'created_at', 'id', 'last_used_at', 'livemode', 'name', 'object', 'prefix', 'revoked_at', 'type']);
    }
    const raw = JSON.stringify(all);
    expect(raw).not.toContain(created.body.key);
    expect(raw).not.toContain(s.mgmt);
    expect(raw).not.toContain(s.spend);
    const listed = all.find((k) => k.id === created.body.id);
    const { key: _secret, ...shown } = created.body;
    expect(listed).toEqual({ ...shown, last_used_at: expect.any(String) });
    // Newest first.
    const ids = all.map((k) => k.id);
    expect([...ids].sort().reverse()).toEqual(ids);
  });

  it('filters the list by agent', async () => {
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: {} });
    const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'filtered', policy_id: pol.body.id } });
    const k1 = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
    const k2 = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
    const r = await api(s.url, 'GET', `/v1/api-keys?agent_id=${agt.body.id}`, { key: s.mgmt });
    expect(r.body.data.map((k: any) => k.id)).toEqual([k2.body.id, k1.body.id]);
  });

  it('revokes a key at once: the very next call is a 401 revoked_api_key', async () => {
    const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: s.agentId } });
    // Warm the key cache so revocation must evict it.
    expect((await api(s.url, 'GET', '/v1/balance', { key: created.body.key })).status).toBe(200);
    const r = await api(s.url, 'DELETE', `/v1/api-keys/${created.body.id}`, { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: created.body.id, type: 'spending', revoked_at: expect.any(String) });
    expect(r.body).not.toHaveProperty('key');
    const after = await api(s.url, 'GET', '/v1/balance', { key: created.body.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('revoked_api_key');
    // Revoking again answers the revoked key unchanged.
    const again = await api(s.url, 'DELETE', `/v1/api-keys/${created.body.id}`, { key: s.mgmt });
    expect(again.status).toBe(200);
    expect(again.body.revoked_at).toBe(r.body.revoked_at);
    expect((await eventsOf(s, created.body.id)).map((e) => e.type)).toEqual(['key.created', 'key.revoked']);
  });

  it('revokes a management key at once, even the one making the call', async () => {
    const created = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management' } });
    expect((await api(s.url, 'GET', '/v1/wallets', { key: created.body.key })).status).toBe(200);
    const r = await api(s.url, 'DELETE', `/v1/api-keys/${created.body.id}`, { key: created.body.key });
    expect(r.status).toBe(200);
    const after = await api(s.url, 'GET', '/v1/wallets', { key: created.body.key });
    expect(after.status).toBe(401);
    expect(after.body.error.code).toBe('revoked_api_key');
    // The other management key still works.
    expect((await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt })).status).toBe(200);
  });
});
