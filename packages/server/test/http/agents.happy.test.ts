import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, freshAgent, listAll, walletBalance } from './support.js';

describe('agents', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('creates an agent under a policy, active, with no parent', async () => {
    const r = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: '  researcher  ', policy_id: s.policyId } });
    expect(r.status).toBe(201);
    expect(r.body).toEqual({
      id: expect.stringMatching(/^agt_[0-9a-z]{26}$/),
      object: 'agent',
      name: 'researcher',
      policy_id: s.policyId,
      parent_agent_id: null,
      status: 'active',
      livemode: false,
      created_at: expect.any(String),
      updated_at: r.body.created_at,
      revoked_at: null,
    });
    expect((await eventsOf(s, r.body.id)).map((e) => e.type)).toEqual(['agent.created']);
  });

  it('creates a child agent with a parent and gets it back', async () => {
    const child = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'child', policy_id: s.policyId, parent_agent_id: s.agentId } });
    expect(child.status).toBe(201);
    expect(child.body.parent_agent_id).toBe(s.agentId);
    const got = await api(s.url, 'GET', `/v1/agents/${child.body.id}`, { key: s.mgmt });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(child.body);
    const explicitNull = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'orphan', policy_id: s.policyId, parent_agent_id: null } });
    expect(explicitNull.status).toBe(201);
    expect(explicitNull.body.parent_agent_id).toBeNull();
  });

  it('lists agents newest first, filtered by status and policy', async () => {
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'list' } });
    const a = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'list-a', policy_id: pol.body.id } });
    const b = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'list-b', policy_id: pol.body.id } });
    await api(s.url, 'POST', `/v1/agents/${a.body.id}/pause`, { key: s.mgmt });

    const byPolicy = await api(s.url, 'GET', `/v1/agents?policy_id=${pol.body.id}`, { key: s.mgmt });
    expect(byPolicy.body).toMatchObject({ has_more: false, next_cursor: null });
    expect(byPolicy.body.data.map((x: any) => [x.name, x.status])).toEqual([['list-b', 'active'], ['list-a', 'paused']]);

    const paused = await api(s.url, 'GET', `/v1/agents?status=paused&policy_id=${pol.body.id}`, { key: s.mgmt });
    expect(paused.body.data.map((x: any) => x.id)).toEqual([a.body.id]);

    const page = await api(s.url, 'GET', '/v1/agents?limit=1', { key: s.mgmt });
    expect(page.body.data[0].id).toBe(b.body.id);
    expect(page.body.has_more).toBe(true);

    const all = await listAll(s, '/v1/agents', s.mgmt, 2);
    expect(all.at(-1).id).toBe(s.agentId);
    expect(all.some((x) => x.id === a.body.id && x.status === 'paused')).toBe(true);
  });

  it('pause declines spends with agent_paused and holds nothing; resume lets them through', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 10_000 }, 'pausable');
    const paused = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt });
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ id: ag.agentId, status: 'paused', revoked_at: null });
    // Pausing a paused agent answers the agent as it is.
    expect((await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt })).body.status).toBe('paused');

    const wallet = await walletBalance(s);
    const declined = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(500) });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', decision_code: 'agent_paused', decision_reason: 'Agent is paused' });
    expect(declined.body.violations[0]).toEqual({ code: 'agent_paused', message: 'Agent is paused' });
    expect(await walletBalance(s)).toEqual(wallet);

    const resumed = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/resume`, { key: s.mgmt });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('active');
    const ok = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(500) });
    expect(ok.body).toMatchObject({ status: 'approved', remaining_budget_cents: 9_500 });
    expect((await eventsOf(s, ag.agentId)).map((e) => e.type)).toEqual(['agent.created', 'agent.paused', 'agent.resumed']);
  });

  it('pause and resume accept an empty JSON body', async () => {
    const ag = await freshAgent(s, {}, 'empty-body');
    const r = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt, rawBody: '', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('paused');
  });

  it('DELETE revokes the agent and every one of its keys at once', async () => {
    const ag = await freshAgent(s, {}, 'doomed');
    const second = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: ag.agentId } });
    // Both keys work before.
    expect((await api(s.url, 'GET', '/v1/balance', { key: ag.key })).status).toBe(200);
    expect((await api(s.url, 'GET', '/v1/balance', { key: second.body.key })).status).toBe(200);

    const r = await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: ag.agentId, status: 'revoked', revoked_at: expect.any(String) });

    for (const key of [ag.key, second.body.key]) {
      const spend = await api(s.url, 'POST', '/v1/spend', { key, body: spendBody(100) });
      expect(spend.status).toBe(401);
      expect(spend.body.error.code).toBe('revoked_api_key');
    }
    const keys = await api(s.url, 'GET', `/v1/api-keys?agent_id=${ag.agentId}`, { key: s.mgmt });
    expect(keys.body.data).toHaveLength(2);
    expect(keys.body.data.every((k: any) => k.revoked_at === r.body.revoked_at)).toBe(true);

    const got = await api(s.url, 'GET', `/v1/agents/${ag.agentId}`, { key: s.mgmt });
    expect(got.body).toEqual(r.body);
    // Revoking again is harmless and answers the revoked agent.
    const again = await api(s.url, 'DELETE', `/v1/agents/${ag.agentId}`, { key: s.mgmt });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(r.body);
    expect((await eventsOf(s, ag.agentId)).map((e) => e.type)).toEqual(['agent.created', 'agent.revoked']);
  });

  it('DELETE of one agent leaves its neighbours and their keys working', async () => {
    const a = await freshAgent(s, {}, 'neighbour-a');
    const b = await freshAgent(s, {}, 'neighbour-b');
    await api(s.url, 'DELETE', `/v1/agents/${a.agentId}`, { key: s.mgmt });
    const r = await api(s.url, 'POST', '/v1/spend', { key: b.key, body: spendBody(100) });
    expect(r.status).toBe(200);
    expect(r.body.status).toBe('approved');
  });
});
