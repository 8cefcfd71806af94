import { afterAll, beforeAll, describe, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

type Ids = { agent: string };
const bad: Array<{ name: string; body: (ids: Ids) => unknown; field: string }> = [
  { name: 'an empty body (neither agent_id nor type)', body: () => ({}), field: 'agent_id' },
  { name: 'only a name', body: () => ({ name: 'mystery' }), field: 'agent_id' },
  { name: 'a spending type without agent_id', body: () => ({ type: 'spending' }), field: 'agent_id' },
  { name: 'a management type with an agent_id', body: (ids) => ({ type: 'management', agent_id: ids.agent }), field: 'agent_id' },
  { name: 'an unknown agent_id', body: () => ({ agent_id: 'agt_00000000000000000000000000' }), field: 'agent_id' },
  { name: 'an empty agent_id', body: () => ({ agent_id: '' }), field: 'agent_id' },
  { name: 'an unknown type', body: () => ({ type: 'admin' }), field: 'type' },
  { name: 'an empty name', body: (ids) => ({ agent_id: ids.agent, name: '' }), field: 'name' },
  { name: 'a name too long', body: (ids) => ({ agent_id: ids.agent, name: 'n'.repeat(201) }), field: 'name' },
  { name: 'a chosen secret', body: (ids) => ({ agent_id: ids.agent, key: 'bsk_test_chosenbyattacker000000000000' }), field: 'key' },
  { name: 'an unknown field', body: (ids) => ({ agent_id: ids.agent, scopes: ['all'] }), field: 'scopes' },
];

describe.each(bad)('POST /v1/api-keys with $name', ({ body, field }) => {
  it('is a 400 invalid_request naming the field and issues no key', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: body({ agent: s.agentId }) }));
    expectError(r, 400, 'invalid_request', field);
  });
});

describe('revoking keys that are not there', () => {
  it.each([
    'key_00000000000000000000000000',
    'agt_00000000000000000000000000',
  ])('DELETE /v1/api-keys/%s is a 404 not_found', async (id) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'DELETE', `/v1/api-keys/${id}`, { key: s.mgmt }));
    expectError(r, 404, 'not_found');
  });
});

describe.each([
  { query: 'limit=0', field: 'limit' },
  { query: 'limit=500', field: 'limit' },
  { query: `agent_id=${'a'.repeat(65)}`, field: 'agent_id' },
])('GET /v1/api-keys?$query', ({ query, field }) => {
  it('is a 400 invalid_request naming the parameter', async () => {
    expectError(await api(s.url, 'GET', `/v1/api-keys?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});
