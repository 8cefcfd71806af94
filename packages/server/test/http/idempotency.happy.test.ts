import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent, ledgerOf, listAll, walletBalance } from './support.js';

describe('idempotent retries', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('same key and same body: the stored answer with Idempotent-Replayed, one request and one hold', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'retrier');
    const headers = { 'idempotency-key': 'order-42' };
    const before = await walletBalance(s);
    const first = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(12_000), headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    for (let i = 0; i < 3; i++) {
      const again = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(12_000), headers });
      expect(again.status).toBe(200);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      expect(again.body).toEqual(first.body);
    }
    // The same JSON with its keys in another order is the same body.
    const reordered = { reason: 'test spend', merchant_name: 'AWS', currency: 'usd', amount_cents: 12_000 };
    const again = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: reordered, headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);

    const requests = await listAll(s, `/v1/spend-requests?agent_id=${ag.agentId}`, s.mgmt);
    expect(requests.map((r) => r.id)).toEqual([first.body.id]);
    expect((await ledgerOf(s, first.body.id)).map((t) => t.type)).toEqual(['hold']);
    expect(await walletBalance(s)).toEqual({ available: before.available - 12_000, held: before.held + 12_000 });
    const balance = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
    expect(balance.body.remaining_budget_cents).toBe(38_000);
  });

  it('replays the original answer even after the request moved on', async () => {
    const ag = await freshAgent(s, {}, 'moved-on');
    const headers = { 'idempotency-key': 'then-completed' };
    const first = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(500), headers });
    await api(s.url, 'POST', `/v1/spend-requests/${first.body.id}/complete`, { key: ag.key, body: {} });
    const again = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(500), headers });
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(again.body.status).toBe('approved');
  });

  it('replays a 402 with its status, and records one declined request', async () => {
    const ag = await freshAgent(s, {}, 'too-big');
    const { available } = await walletBalance(s);
    const headers = { 'idempotency-key': 'too-big-1' };
    const first = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(available + 1), headers });
    expect(first.status).toBe(402);
    const again = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(available + 1), headers });
    expect(again.status).toBe(402);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await listAll(s, `/v1/spend-requests?agent_id=${ag.agentId}`, s.mgmt)).toHaveLength(1);
  });

  it('completes once for one key: one capture, the replay says completed', async () => {
    const ag = await freshAgent(s, {}, 'capture-once');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(900) });
    const headers = { 'idempotency-key': 'capture-1' };
    const first = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: { amount_cents: 400 }, headers });
    const again = await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: { amount_cents: 400 }, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await ledgerOf(s, r.body.id)).map((t) => t.type)).toEqual(['hold', 'capture']);
    // Without the key, a second complete is a 409.
    expect((await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: ag.key, body: { amount_cents: 400 } })).status).toBe(409);
  });

  it('approves once for one key: the replay is the approval, not a 409', async () => {
    const ag = await freshAgent(s, { require_approval_over_cents: 100 }, 'approve-once');
    const r = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(1_000) });
    const headers = { 'idempotency-key': 'approve-1' };
    const first = await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {}, headers });
    const again = await api(s.url, 'POST', `/v1/approvals/${r.body.approval_id}/approve`, { key: s.mgmt, body: {}, headers });
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect((await ledgerOf(s, r.body.id)).map((t) => t.type)).toEqual(['hold']);
  });

  it('creates a policy once for one key', async () => {
    const headers = { 'idempotency-key': 'policy-1' };
    const first = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'once' }, headers });
    const again = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'once' }, headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.id).toBe(first.body.id);
    expect((await listAll(s, '/v1/policies', s.mgmt)).filter((p) => p.name === 'once')).toHaveLength(1);
  });

  it('racing retries of one key make exactly one request; the others replay or are told the key is in use', async () => {
    const ag = await freshAgent(s, {}, 'racer');
    const headers = { 'idempotency-key': 'race-1' };
    const results = await Promise.all(
      Array.from({ length: 20 }, () => api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(250), headers })),
    );
    for (const r of results) {
      if (r.status === 409) expect(r.body.error.code).toBe('idempotency_key_in_use');
      else expect(r.status).toBe(200);
    }
    const fresh = results.filter((r) => r.status === 200 && r.headers.get('idempotent-replayed') === null);
    expect(fresh).toHaveLength(1);
    const replays = results.filter((r) => r.headers.get('idempotent-replayed') === 'true');
    expect(replays.every((r) => r.body.id === fresh[0]!.body.id)).toBe(true);
    const requests = await listAll(s, `/v1/spend-requests?agent_id=${ag.agentId}`, s.mgmt);
    expect(requests).toHaveLength(1);
    expect((await ledgerOf(s, requests[0].id)).map((t) => t.type)).toEqual(['hold']);
  });
});
