import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { listAll } from './support.js';

describe('listing spend requests: merchant text, amount range and time range', () => {
  let s: TestServer;
  const made: Record<string, string> = {};
  beforeAll(async () => {
    s = await startTestServer();
    for (const [name, amount] of [['Zephyr GPU Cloud', 1999], ['zephyr storage', 500], ['Orbital Data', 700], ['100%_Pure', 300]] as const) {
      const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(amount, { merchant_name: name }) });
      expect(r.status).toBe(200);
      made[name] = r.body.id;
    }
  });
  afterAll(() => s.close());

  const merchants = async (query: string) => (await listAll(s, `/v1/spend-requests?${query}`, s.mgmt)).map((r) => r.merchant_name).sort();

  it('matches part of the merchant name, ignoring case, wildcards taken literally', async () => {
    expect(await merchants('merchant_contains=ZEPHYR')).toEqual(['Zephyr GPU Cloud', 'zephyr storage']);
    expect(await merchants('merchant_contains=gpu%20cl')).toEqual(['Zephyr GPU Cloud']);
    expect(await merchants(`merchant_contains=${encodeURIComponent('%_')}`)).toEqual(['100%_Pure']);
    expect(await merchants('merchant_contains=_')).toEqual(['100%_Pure']);
    expect(await merchants('merchant_contains=nothing-like-it')).toEqual([]);
  });

  it('filters by an amount range, bounds included', async () => {
    expect(await merchants('min_amount_cents=500&max_amount_cents=700')).toEqual(['Orbital Data', 'zephyr storage']);
    expect(await merchants('min_amount_cents=1999')).toEqual(['Zephyr GPU Cloud']);
    expect(await merchants('max_amount_cents=300')).toEqual(['100%_Pure']);
    expect(await merchants('max_amount_cents=300&currency=USD')).toEqual(['100%_Pure']);
    expect(await merchants('currency=eur')).toEqual([]);
  });

  it('combines the filters with a time range, and a spending key still sees only its own', async () => {
    const past = new Date(Date.now() - 3_600_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await merchants(`merchant_contains=zephyr&min_amount_cents=600&created_after=${past}&created_before=${future}`)).toEqual(['Zephyr GPU Cloud']);
    expect(await merchants(`merchant_contains=zephyr&created_after=${future}`)).toEqual([]);
    const other = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'other', policy_id: s.policyId } });
    const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: other.body.id } });
    const theirs = await api(s.url, 'GET', '/v1/spend-requests?merchant_contains=zephyr', { key: key.body.key });
    expect(theirs.body.data).toEqual([]);
  });
});
