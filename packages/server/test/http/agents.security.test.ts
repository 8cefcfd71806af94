import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { callWith, credentialCases, expectError, expectNoStateChange, freshAgent, revokedKeys, type FreshAgent, type RouteCase } from './support.js';

let s: TestServer;
let revoked: { management: string; spending: string };
let other: FreshAgent;
beforeAll(async () => {
  s = await startTestServer();
  revoked = await revokedKeys(s);
  other = await freshAgent(s, {}, 'other');
});
afterAll(() => s.close());

const routes: Record<string, () => RouteCase> = {
  'GET /v1/agents': () => ({ method: 'GET', path: '/v1/agents' }),
  'POST /v1/agents': () => ({ method: 'POST', path: '/v1/agents', body: { name: 'x', policy_id: s.policyId } }),
  'GET /v1/agents/:id': () => ({ method: 'GET', path: `/v1/agents/${s.agentId}` }),
  'DELETE /v1/agents/:id': () => ({ method: 'DELETE', path: `/v1/agents/${other.agentId}` }),
  'POST /v1/agents/:id/pause': () => ({ method: 'POST', path: `/v1/agents/${other.agentId}/pause` }),
  'POST /v1/agents/:id/resume': () => ({ method: 'POST', path: `/v1/agents/${s.agentId}/resume` }),
};

describe.each(Object.keys(routes))('%s', (name) => {
  it.each(credentialCases(() => revoked))('with $name is a 401 $code and changes nothing', async ({ headers, code }) => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), headers()));
    expectError(r, 401, code);
  });

  it('with a spending key is a 403 forbidden and changes nothing', async () => {
    const r = await expectNoStateChange(s, () => callWith(s, routes[name]!(), { authorization: `Bearer ${s.spend}` }));
    expectError(r, 403, 'forbidden');
  });
});

it('an agent cannot resume itself once paused', async () => {
  const ag = await freshAgent(s, {}, 'self-resume');
  await api(s.url, 'POST', `/v1/agents/${ag.agentId}/pause`, { key: s.mgmt });
  const r = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/resume`, { key: ag.key });
  expectError(r, 403, 'forbidden');
  const spend = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(100) });
  expect(spend.body.decision_code).toBe('agent_paused');
});

it('every attempt left the other agent active', async () => {
  const r = await api(s.url, 'GET', `/v1/agents/${other.agentId}`, { key: s.mgmt });
  expect(r.body.status).toBe('active');
});
