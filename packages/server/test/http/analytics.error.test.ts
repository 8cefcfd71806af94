import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

describe('spend analytics: bad input', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
    await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
  });
  afterAll(() => s.close());

  const now = Date.now();
  const at = (ms: number) => encodeURIComponent(new Date(ms).toISOString());
  const cases: Array<[string, string, string]> = [
    ['an unknown group_by', 'group_by=vendor', 'group_by'],
    ['an unknown interval', 'interval=week', 'interval'],
    ['an interval with a time group_by', 'group_by=day&interval=hour', 'interval'],
    ['a from that is no time', 'from=yesterday', 'from'],
    ['a to that is no time', 'to=12', 'to'],
    ['from after to', `from=${at(now)}&to=${at(now - 1_000)}`, 'from'],
    ['from equal to to', `from=${at(now)}&to=${at(now)}`, 'from'],
    ['a range over a year', `from=${at(now - 367 * 86_400_000)}&to=${at(now)}`, 'from'],
    ['a limit of zero', 'limit=0', 'limit'],
    ['a limit over 1000', 'limit=1001', 'limit'],
    ['a limit that is no number', 'limit=ten', 'limit'],
    ['a currency that is none', 'currency=usb', 'currency'],
    ['an unknown budget source', 'budget=card', 'budget'],
    ['an agent id too long', `agent_id=${'a'.repeat(65)}`, 'agent_id'],
  ];

  it.each(cases)('%s is a 400 naming the field, and changes nothing', async (_name, query, field) => {
    const r = await expectNoStateChange(s, () => api(s.url, 'GET', `/v1/analytics/spend?${query}`, { key: s.mgmt }));
    expectError(r, 400, 'invalid_request', field);
  });

  it('an agent\'s spending key may not read analytics', async () => {
    expect((await api(s.url, 'GET', '/v1/analytics/spend', { key: s.spend })).status).toBe(403);
  });

  it('no key is a 401', async () => {
    expectError(await api(s.url, 'GET', '/v1/analytics/spend'), 401, 'invalid_api_key');
  });

  it('an agent of no one filters to nothing rather than failing', async () => {
    const r = await api(s.url, 'GET', '/v1/analytics/spend?agent_id=agt_00000000000000000000000000', { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ data: [], totals: [] });
  });
});
