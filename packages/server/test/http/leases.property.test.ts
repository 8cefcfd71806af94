import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent } from './support.js';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 10_000_000 } });
});
afterAll(() => s.close());

async function childOf(parentId: string, name: string) {
  const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name } });
  const agt = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name, policy_id: pol.body.id, parent_agent_id: parentId } });
  const key = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agt.body.id } });
  return { agentId: agt.body.id as string, key: key.body.key as string };
}

const sg = '/v1/spend-guard';

it('a lease chain parent → child → grandchild never spends past the parent budget (property)', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 1_000, max: 20_000 }),
      fc.integer({ min: 1, max: 25_000 }),
      fc.integer({ min: 1, max: 25_000 }),
      fc.array(fc.record({ who: fc.constantFrom(0, 1, 2), amount: fc.integer({ min: 1, max: 6_000 }), capture: fc.integer({ min: 0, max: 100 }) }), { minLength: 5, maxLength: 20 }),
      fc.boolean(),
      async (budget, toChild, toGrandchild, ops, releaseMidway) => {
        const parent = await freshAgent(s, { monthly_limit_cents: budget }, 'p');
        const child = await childOf(parent.agentId, 'c');
        const grandchild = await childOf(child.agentId, 'g');
        const l1 = await api(s.url, 'POST', `${sg}/budget-leases`, { key: parent.key, body: { child_agent_id: child.agentId, amount_cents: toChild, currency: 'usd' } });
        expect(l1.status).toBe(toChild <= budget ? 201 : 409);
        const l2 = await api(s.url, 'POST', `${sg}/budget-leases`, { key: child.key, body: { child_agent_id: grandchild.agentId, amount_cents: toGrandchild, currency: 'usd' } });
        // A child with no lease leases from its own (unlimited) policy; with one, never more than it has.
        if (l1.status === 201) expect(l2.status).toBe(toGrandchild <= toChild ? 201 : 409);
        const keys = [parent.key, child.key, grandchild.key];
        const results = await Promise.all(
          ops.map(async (op, i) => {
            if (releaseMidway && i === Math.floor(ops.length / 2) && l2.status === 201) {
              await api(s.url, 'POST', `${sg}/budget-leases/${l2.body.id}/release`, { key: child.key });
            }
            const r = await api(s.url, 'POST', `${sg}/reservations`, { key: keys[op.who]!, body: { amount_cents: op.amount, currency: 'usd' } });
            expect(r.status, JSON.stringify(r.body)).toBe(200);
            if (r.body.status !== 'reserved') return { charged: false, captured: 0 };
            // Charged to the parent: its own spends, and those made under a lease of its chain.
            const charged = op.who === 0 || (l1.status === 201 && r.body.lease_id !== null);
            const amount = Math.max(1, Math.floor((op.amount * op.capture) / 100));
            const c = await api(s.url, 'POST', `${sg}/reservations/${r.body.id}/capture`, { key: keys[op.who]!, body: { amount_cents: amount } });
            // A release of the lease may have cancelled the hold first.
            return { charged, captured: c.status === 200 ? amount : 0 };
          }),
        );
        const bal = (await api(s.url, 'GET', '/v1/balance', { key: parent.key })).body.budgets[0];
        expect(bal.spent_cents + bal.held_cents).toBeLessThanOrEqual(budget);
        // Ending the chain settles everything into the parent's budget: what all three captured, once.
        if (l1.status === 201) expect((await api(s.url, 'POST', `${sg}/budget-leases/${l1.body.id}/release`, { key: parent.key })).status).toBe(200);
        const total = results.filter((r) => r.charged).reduce((a, r) => a + r.captured, 0);
        const after = (await api(s.url, 'GET', '/v1/balance', { key: parent.key })).body.budgets[0];
        expect(after.held_cents).toBe(0);
        expect(after.spent_cents).toBeLessThanOrEqual(budget);
        expect(after.spent_cents).toBe(total);
        const leases = (await api(s.url, 'GET', `${sg}/budget-leases?agent_id=${child.agentId}`, { key: s.mgmt })).body.data;
        for (const l of leases) expect(l.status === 'active' ? l.remaining_cents : 0).toBeGreaterThanOrEqual(0);
      },
    ),
    { numRuns: 6 },
  );
  expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
});
