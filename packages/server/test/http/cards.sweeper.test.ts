import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, walletBalance } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ BURSAR_HOLD_TTL_SECONDS: '1', BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
});
afterAll(() => s.close());

const authorize = (body: Record<string, unknown>) => api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { currency: 'usd', ...body } });
const card = async (id: string) => (await api(s.url, 'GET', `/v1/cards/${id}`, { key: s.mgmt })).body;

it("an unused credential expires with its intent's hold; the funding card's limit and the wallet get the money back", async () => {
  const before = await walletBalance(s);
  const funding = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 5000, agent_id: s.agentId } })).body;
  const ci = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: { amount_cents: 800, currency: 'usd', merchant_name: 'Shop', reason: 'late', card_id: funding.id } })).body;
  expect(ci.status).toBe('approved');
  expect(Date.parse(ci.credential.expires_at) - Date.parse(ci.created_at)).toBe(1000);
  expect((await card(funding.id)).held_cents).toBe(800);
  const expired = await eventually(async () => {
    const got = await api(s.url, 'GET', `/v1/checkout-intents/${ci.id}`, { key: s.spend });
    return got.body.status === 'expired' ? got.body : null;
  });
  expect(expired.credential.status).toBe('expired');
  await eventually(async () => (await card(funding.id)).held_cents === 0);
  expect(await walletBalance(s)).toEqual(before);
  expect((await authorize({ card_number: ci.credential.number, merchant_name: 'Shop', amount_cents: 800 })).body.decline_code).toBe('card_expired');
});

it('an authorization never captured is reversed when its hold expires, freeing the card', async () => {
  const before = await walletBalance(s);
  const c = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 1000, agent_id: s.agentId } })).body;
  const a = await authorize({ card_id: c.id, merchant_name: 'AWS', amount_cents: 1000 });
  expect(a.body.status).toBe('approved');
  expect((await card(c.id)).held_cents).toBe(1000);
  await eventually(async () => (await api(s.url, 'GET', `/v1/sandbox/card-authorizations/${a.body.id}`, { key: s.mgmt })).body.status === 'reversed');
  expect(await card(c.id)).toMatchObject({ held_cents: 0, spent_cents: 0 });
  expect(await walletBalance(s)).toEqual(before);
  expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
});
