import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

const authorize = (key: string, body: Record<string, unknown>, i: number) =>
  api(s.url, 'POST', '/v1/sandbox/card-authorizations', { key, body: { currency: 'usd', merchant_name: 'AWS', ...body }, headers: { 'idempotency-key': `auth-${JSON.stringify(body)}-${i}` } });

it('racing authorizations never overdraw the wallet: exactly 10 of 80 authorizations of 1000 against 10000', async () => {
  const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'racing team' } });
  expect(ws.status, JSON.stringify(ws.body)).toBe(201);
  const key = ws.body.management_key as string;
  expect((await api(s.url, 'POST', `/v1/wallets/${ws.body.wallet_id}/fund`, { key, body: { amount_cents: 10_000 } })).status).toBe(200);
  const rs = await Promise.all(Array.from({ length: 80 }, (_, i) => authorize(key, { card_id: ws.body.card_id, amount_cents: 1000 }, i)));
  expect(rs.every((r) => r.status === 200)).toBe(true);
  expect(rs.filter((r) => r.body.status === 'approved')).toHaveLength(10);
  expect(rs.filter((r) => r.body.status === 'declined' && r.body.decline_code === 'insufficient_funds')).toHaveLength(70);
  const bal = await api(s.url, 'GET', `/v1/wallets/${ws.body.wallet_id}/balance`, { key });
  expect(bal.body).toMatchObject({ available_cents: 0, held_cents: 10_000 });
  expect((await api(s.url, 'GET', '/v1/ledger/verify', { key })).body.ok).toBe(true);
  if (s.server.db.kind === 'postgres') {
    // They were decided in batches: rows one transaction wrote share its id (xmin).
    const { rows } = await sql<{ n: number }>`select count(distinct xmin::text)::int as n from card_authorizations where card_id = ${ws.body.card_id}`.execute(s.server.db.db);
    expect(rows[0]!.n).toBeLessThan(80);
  }
});

it("racing authorizations never pass a card's spend limit", async () => {
  await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } });
  const card = (await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, type: 'multi_use', spend_limit_cents: 5000, agent_id: s.agentId } })).body;
  const rs = await Promise.all(Array.from({ length: 40 }, (_, i) => authorize(s.mgmt, { card_id: card.id, amount_cents: 500 }, i)));
  expect(rs.filter((r) => r.body.status === 'approved')).toHaveLength(10);
  expect(rs.filter((r) => r.body.decline_code === 'exceeds_card_limit')).toHaveLength(30);
  expect((await api(s.url, 'GET', `/v1/cards/${card.id}`, { key: s.mgmt })).body).toMatchObject({ held_cents: 5000, spent_cents: 0 });
});

it('a just-in-time credential raced 30 times is authorized exactly once', async () => {
  const ci = (await api(s.url, 'POST', '/v1/checkout-intents', { key: s.spend, body: { amount_cents: 900, currency: 'usd', merchant_name: 'Shop', reason: 'race' } })).body;
  expect(ci.status).toBe('approved');
  const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => authorize(s.mgmt, { card_number: ci.credential.number, merchant_name: 'Shop', amount_cents: 900 }, i)));
  expect(rs.filter((r) => r.body.status === 'approved')).toHaveLength(1);
  expect(rs.filter((r) => r.body.decline_code === 'card_used')).toHaveLength(29);
  expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
});
