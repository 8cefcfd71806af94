import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 10_000_000 } });
});
afterAll(() => s.close());

it('reserves exactly 50 of 400 racing reservations of 1000 against a 50000 budget', async () => {
  const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'racer');
  const rs = await Promise.all(
    Array.from({ length: 400 }, (_, i) =>
      api(s.url, 'POST', '/v1/spend-guard/reservations', { key: ag.key, body: { amount_cents: 1000, currency: 'usd' }, headers: { 'idempotency-key': `r-${i}` } }),
    ),
  );
  expect(rs.every((r) => r.status === 200)).toBe(true);
  expect(rs.filter((r) => r.body.status === 'reserved')).toHaveLength(50);
  expect(rs.filter((r) => r.body.status === 'declined' && r.body.decision_code === 'exceeds_monthly_budget')).toHaveLength(350);
  const bal = await api(s.url, 'GET', '/v1/balance', { key: ag.key });
  expect(bal.body.budgets[0]).toMatchObject({ held_cents: 50_000, remaining_cents: 0 });
  expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
});

it('a child racing its lease never spends past it, and the parent never past its budget', async () => {
  const parent = await freshAgent(s, { monthly_limit_cents: 20_000 }, 'race parent');
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'race kid' } });
  const kid = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'kid', policy_id: pol.body.id, parent_agent_id: parent.agentId } });
  const kidKey = (await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: kid.body.id } })).body.key;
  await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: kid.body.id, amount_cents: 10_000, currency: 'usd' } });
  const both = await Promise.all([
    ...Array.from({ length: 60 }, () => api(s.url, 'POST', '/v1/spend-guard/reservations', { key: kidKey, body: { amount_cents: 1000, currency: 'usd' } })),
    ...Array.from({ length: 60 }, () => api(s.url, 'POST', '/v1/spend-guard/reservations', { key: parent.key, body: { amount_cents: 1000, currency: 'usd' } })),
  ]);
  expect(both.slice(0, 60).filter((r) => r.body.status === 'reserved')).toHaveLength(10);
  expect(both.slice(60).filter((r) => r.body.status === 'reserved')).toHaveLength(10);
});
