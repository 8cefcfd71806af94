import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
let revokedAgentId: string;
beforeAll(async () => {
  s = await startTestServer();
  const a = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'gone', policy_id: s.policyId } });
  revokedAgentId = a.body.id;
  await api(s.url, 'DELETE', `/v1/agents/${revokedAgentId}`, { key: s.mgmt });
});
afterAll(() => s.close());

type Ids = { policy: string; revoked: string };
const bad: Array<{ name: string; body: (ids: Ids) => unknown; field: string }> = [
  { name: 'no name', body: (ids) => ({ policy_id: ids.policy }), field: 'name' },
  { name: 'an empty name', body: (ids) => ({ name: '', policy_id: ids.policy }), field: 'name' },
  { name: 'a blank name', body: (ids) => ({ name: '  ', policy_id: ids.policy }), field: 'name' },
  { name: 'a numeric name', body: (ids) => ({ name: 7, policy_id: ids.policy }), field: 'name' },
  { name: 'a name too long', body: (ids) => ({ name: 'a'.repeat(201), policy_id: ids.policy }), field: 'name' },
  { name: 'no policy_id', body: () => ({ name: 'x' }), field: 'policy_id' },
  { name: 'an empty policy_id', body: () => ({ name: 'x', policy_id: '' }), field: 'policy_id' },
  { name: 'an unknown policy_id', body: () => ({ name: 'x', policy_id: 'pol_00000000000000000000000000' }), field: 'policy_id' },
  { name: 'an unknown parent', body: (ids) => ({ name: 'x', policy_id: ids.policy, parent_agent_id: 'agt_00000000000000000000000000' }), field: 'parent_agent_id' },
  { name: 'a revoked parent', body: (ids) => ({ name: 'x', policy_id: ids.policy, parent_agent_id: ids.revoked }), field: 'parent_agent_id' },
  { name: 'an empty parent', body: (ids) => ({ name: 'x', policy_id: ids.policy, parent_agent_id: '' }), field: 'parent_agent_id' },
  { name: 'an unknown field', body: (ids) => ({ name: 'x', policy_id: ids.policy, budget: 5 }), field: 'budget' },
  { name: 'a status field', body: (ids) => ({ name: 'x', policy_id: ids.policy, status: 'paused' }), field: 'status' },
];

describe.each(bad)('POST /v1/agents with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and creates no agent', async () => {
    const r = await expectNoStateChange(s, () =>
      api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: body({ policy: s.policyId, revoked: revokedAgentId }) }),
    );
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('unknown agents', () => {
  it.each([
    ['GET', '/v1/agents/agt_00000000000000000000000000'],
    ['DELETE', '/v1/agents/agt_00000000000000000000000000'],
    ['POST', '/v1/agents/agt_00000000000000000000000000/pause'],
    ['POST', '/v1/agents/agt_00000000000000000000000000/resume'],
    ['GET', '/v1/agents/pol_00000000000000000000000000'],
  ])('%s %s is a 404 not_found', async (method, path) => {
    const r = await expectNoStateChange(s, () => api(s.url, method, path, { key: s.mgmt }));
    expectError(r, 404, 'not_found');
  });
});

describe('a revoked agent is final', () => {
  it.each(['pause', 'resume'])('%s is a 409 invalid_state and it stays revoked', async (transition) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/agents/${revokedAgentId}/${transition}`, { key: s.mgmt }));
    expectError(r, 409, 'invalid_state');
    expect((await api(s.url, 'GET', `/v1/agents/${revokedAgentId}`, { key: s.mgmt })).body.status).toBe('revoked');
  });

  it('cannot be given a new key', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: revokedAgentId } }));
    expectError(r, 403, 'forbidden');
  });
});

describe.each([
  { query: 'status=sleeping', field: 'status' },
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=abc', field: 'limit' },
  { query: `policy_id=${'p'.repeat(65)}`, field: 'policy_id' },
])('GET /v1/agents?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter', async () => {
    expectError(await api(s.url, 'GET', `/v1/agents?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});
