import { afterAll, beforeAll, describe, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError } from './support.js';

describe('listing spend requests: bad filters', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const cases: Array<[string, string, string]> = [
    ['an empty merchant text', 'merchant_contains=', 'merchant_contains'],
    ['a merchant text over 200 characters', `merchant_contains=${'a'.repeat(201)}`, 'merchant_contains'],
    ['a negative minimum', 'min_amount_cents=-1', 'min_amount_cents'],
    ['a fractional maximum', 'max_amount_cents=1.5', 'max_amount_cents'],
    ['a minimum that is no number', 'min_amount_cents=lots', 'min_amount_cents'],
    ['a maximum past the largest amount', 'max_amount_cents=1000000000001', 'max_amount_cents'],
    ['a maximum below the minimum', 'min_amount_cents=500&max_amount_cents=100', 'max_amount_cents'],
    ['a currency that is none', 'currency=usb', 'currency'],
    ['a created_after that is no time', 'created_after=yesterday', 'created_after'],
  ];

  it.each(cases)('%s is a 400 naming the field', async (_name, query, field) => {
    expectError(await api(s.url, 'GET', `/v1/spend-requests?${query}`, { key: s.mgmt }), 400, 'invalid_request', field);
  });
});
