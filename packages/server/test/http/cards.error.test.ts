import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, expectNoStateChange } from './support.js';

let s: TestServer;
let cardId: string;
let authId: string;
beforeAll(async () => {
  s = await startTestServer();
  cardId = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', agent_id: s.agentId } })).body.id;
  authId = (await api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: { card_id: cardId, merchant_name: 'AWS', amount_cents: 100, currency: 'usd' } })).body.id;
});
afterAll(() => s.close());

const card = (patch: Record<string, unknown>) => ({ policy_id: s.policyId, type: 'multi_use', ...patch });
const intent = (patch: Record<string, unknown>) => ({ amount_cents: 100, currency: 'usd', merchant_name: 'Shop', reason: 'r', ...patch });
const auth = (patch: Record<string, unknown>) => ({ card_id: cardId, merchant_name: 'AWS', amount_cents: 100, currency: 'usd', ...patch });

describe.each([
  ['a missing policy_id', () => ({ type: 'multi_use' }), 'policy_id'],
  ['an unknown policy', () => card({ policy_id: 'pol_nope' }), 'policy_id'],
  ['a bad type', () => card({ type: 'reusable' }), 'type'],
  ['a negative spend limit', () => card({ spend_limit_cents: -1 }), 'spend_limit_cents'],
  ['a fractional spend limit', () => card({ spend_limit_cents: 1.5 }), 'spend_limit_cents'],
  ['a string spend limit', () => card({ spend_limit_cents: '100' }), 'spend_limit_cents'],
  ['an unknown agent', () => card({ agent_id: 'agt_nope' }), 'agent_id'],
  ['an unknown field', () => card({ number: '4242424242424242' }), 'number'],
])('POST /v1/cards with %s', (_name, body, field) => {
  it(`is a 400 naming ${field} and changes nothing`, async () => {
    await expectNoStateChange(s, async () => expectError(await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: body() }), 400, 'invalid_request', field));
  });
});

describe.each([
  ['no amount', () => ({ currency: 'usd', merchant_name: 'x', reason: 'r' }), 'amount_cents'],
  ['a zero amount', () => intent({ amount_cents: 0 }), 'amount_cents'],
  ['a float amount', () => intent({ amount_cents: 10.5 }), 'amount_cents'],
  ['a bad currency', () => intent({ currency: 'dollars' }), 'currency'],
  ["another currency than the policy's", () => intent({ currency: 'eur' }), 'currency'],
  ['a blank merchant', () => intent({ merchant_name: '  ' }), 'merchant_name'],
  ['no reason', () => ({ amount_cents: 100, currency: 'usd', merchant_name: 'x' }), 'reason'],
  ['an unknown card', () => intent({ card_id: 'card_nope' }), 'card_id'],
  ['an unknown field', () => intent({ cvc: '123' }), 'cvc'],
])('POST /v1/checkout-intents with %s', (_name, body, field) => {
  it(`is a 400 naming ${field} and changes nothing`, async () => {
    await expectNoStateChange(s, async () => expectError(await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: body() }), 400, 'invalid_request', field));
  });
});

describe.each([
  ['neither card_number nor card_id', () => ({ merchant_name: 'AWS', amount_cents: 100, currency: 'usd' }), 400, 'invalid_request', 'card_number'],
  ['both card_number and card_id', () => auth({ card_number: '4242424242424242' }), 400, 'invalid_request', 'card_number'],
  ['a card number with letters', () => ({ ...auth({}), card_id: undefined, card_number: '4242abcd42424242' }), 400, 'invalid_request', 'card_number'],
  ['a short card number', () => ({ ...auth({}), card_id: undefined, card_number: '4242' }), 400, 'invalid_request', 'card_number'],
  ['an unknown card number', () => ({ ...auth({}), card_id: undefined, card_number: '4242424242424242' }), 404, 'not_found', 'card_number'],
  ['an unknown card id', () => auth({ card_id: 'card_nope' }), 404, 'not_found', undefined],
  ['a bad mcc', () => auth({ mcc: '57' }), 400, 'invalid_request', 'mcc'],
  ['a negative amount', () => auth({ amount_cents: -5 }), 400, 'invalid_request', 'amount_cents'],
  ['a huge amount', () => auth({ amount_cents: 1e15 }), 400, 'invalid_request', 'amount_cents'],
  ['no merchant', () => auth({ merchant_name: undefined }), 400, 'invalid_request', 'merchant_name'],
])('POST /v1/sandbox/card-authorizations with %s', (_name, body, status, code, field) => {
  it(`is a ${status} and changes nothing`, async () => {
    await expectNoStateChange(s, async () => {
      const r = await api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key: s.mgmt, body: body() });
      expectError(r, status, code, field);
      expect(JSON.stringify(r.body)).not.toContain('4242424242424242');
    });
  });
});

describe('states and keys', () => {
  it('capturing more than authorized is a 400; an unknown authorization a 404; a spending key is refused', async () => {
    await expectNoStateChange(s, async () => {
      expectError(await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${authId}/capture`, { key: s.mgmt, body: { amount_cents: 101 } }), 400, 'invalid_request', 'amount_cents');
      expectError(await api(s.url, 'POST', `/v1/sandbox/card-authorizations/${authId}/capture`, { key: s.mgmt, body: { amount_cents: 0 } }), 400, 'invalid_request', 'amount_cents');
      expectError(await api(s.url, 'POST', '/v1/sandbox/card-authorizations/cauth_nope/reverse', { key: s.mgmt }), 404, 'not_found');
      expectError(await api(s.url, 'POST', '/v1/cards/card_nope/freeze', { key: s.mgmt }), 404, 'not_found');
      expectError(await api(s.url, 'GET', '/v1/checkout-intents/req_nope', { key: s.mgmt }), 404, 'not_found');
      expectError(await api(s.url, 'POST', '/v1/checkout-intents/ci_nope/cancel', { key: s.spend }), 404, 'not_found');
      expectError(await api(s.url, 'GET', '/v1/cards?limit=0', { key: s.mgmt }), 400, 'invalid_request', 'limit');
      expectError(await api(s.url, 'GET', '/v1/cards?status=melted', { key: s.mgmt }), 400, 'invalid_request', 'status');
      for (const [method, path] of [['GET', '/v1/cards'], ['POST', '/v1/cards'], ['POST', `/v1/cards/${cardId}/freeze`], ['POST', '/v1/sandbox/card-authorizations'], ['GET', '/v1/transfers']]) {
        expectError(await api(s.url, method!, path!, { key: s.spend, body: method === 'POST' ? {} : undefined }), 403, 'forbidden');
      }
      expectError(await api(s.url, 'POST', '/v1/checkout-intents', { key: s.mgmt, body: intent({}) }), 403, 'forbidden');
    });
  });

  it('a frozen funding card is a 409 for a checkout intent; a spend request id is not a checkout intent', async () => {
    await api(s.url, 'POST', `/v1/cards/${cardId}/freeze`, { key: s.mgmt });
    await expectNoStateChange(s, async () => {
      expectError(await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: intent({ card_id: cardId }) }), 409, 'invalid_state');
    });
    await api(s.url, 'POST', `/v1/cards/${cardId}/unfreeze`, { key: s.mgmt });
    const req = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: { amount_cents: 100, currency: 'usd', merchant_name: 'AWS', reason: 'r' } });
    expectError(await api(s.url, 'GET', `/v1/checkout-intents/${req.body.id}`, { key: s.spend }), 404, 'not_found');
  });
});
