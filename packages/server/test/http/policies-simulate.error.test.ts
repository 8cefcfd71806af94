import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

describe('policy simulation: bad input', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    for (let i = 0; i < 3; i++) await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
  });
  afterAll(() => s.close());

  const now = Date.now();
  const cases: Array<[string, unknown, string]> = [
    ['no draft', {}, 'draft'],
    ['a draft that is not an object', { draft: 5 }, 'draft'],
    ['a negative limit', { draft: { monthly_limit_cents: -1 } }, 'draft.monthly_limit_cents'],
    ['an unknown draft field', { draft: { monthly_limit: 5 } }, 'draft.monthly_limit'],
    ['a bad time zone', { draft: { timezone: 'Mars/Olympus' } }, 'draft.timezone'],
    ['another currency', { draft: { currency: 'eur' } }, 'draft.currency'],
    ['an unknown field', { draft: {}, since: '2026-01-01T00:00:00Z' }, 'since'],
    ['a from that is no time', { draft: {}, from: 'yesterday' }, 'from'],
    ['a to that is no time', { draft: {}, to: 12 }, 'to'],
    ['from after to', { draft: {}, from: new Date(now).toISOString(), to: new Date(now - 1_000).toISOString() }, 'from'],
  ];

  it.each(cases)('%s is a 400 naming the field, and changes nothing', async (_name, body, field) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/policies/${s.policyId}/simulate`, { key: s.mgmt, body }));
    expectError(r, 400, 'invalid_request', field);
  });

  it('a policy of no one is a 404', async () => {
    const r = await api(s.url, 'POST', '/v1/policies/pol_00000000000000000000000000/simulate', { key: s.mgmt, body: { draft: {} } });
    expectError(r, 404, 'not_found');
  });

  it('an agent\'s spending key may not simulate', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/policies/${s.policyId}/simulate`, { key: s.spend, body: { draft: {} } }));
    expect(r.status).toBe(403);
  });

  it('a simulation that changes every decision changes nothing stored', async () => {
    const r = await expectNoStateChange(s, () => api(s.url, 'POST', `/v1/policies/${s.policyId}/simulate`, { key: s.mgmt, body: { draft: { is_active: false } } }));
    expect(r.status).toBe(200);
    expect(r.body.evaluated).toBeGreaterThanOrEqual(3);
    expect(r.body.by_decision_code.policy_inactive).toBe(r.body.evaluated);
  });
});
