import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, spendBody } from '../helpers/server.js';
import { keysFrom, kill9, spawnServer, terminate } from '../helpers/process.js';

const ITERATIONS = 3;

describe('kill -9 under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-kill9-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged decision, and the ledger verifies after each restart', async () => {
    let server = await spawnServer(dataDir);
    const { mgmt, spend } = keysFrom(server.stdout());
    // The default budget is 50000; raise it so the load is mostly approvals that move money.
    const balance = await api(server.url, 'GET', '/v1/balance', { key: spend });
    const policyId = (await api(server.url, 'GET', `/v1/agents/${balance.body.agent_id}`, { key: mgmt })).body.policy_id;
    await api(server.url, 'PUT', `/v1/policies/${policyId}`, { key: mgmt, body: { monthly_limit_cents: 80_000, require_approval_over_cents: null } });

    const acknowledged = new Map<string, string>(); // id -> status as acknowledged
    const completing = new Set<string>(); // completion sent; it may have committed unacknowledged
    let attempt = 0;
    for (let round = 0; round < ITERATIONS; round++) {
      let stop = false;
      const workers = Array.from({ length: 16 }, async () => {
        while (!stop) {
          const n = attempt++;
          try {
            const r = await api(server.url, 'POST', '/v1/spend-requests', {
              key: spend,
              body: spendBody(1 + (n % 7) * 10),
              headers: { 'idempotency-key': `kill9-${n}` },
            });
            if (r.status === 200) acknowledged.set(r.body.id, r.body.status);
            if (r.status === 200 && r.body.status === 'approved' && n % 3 === 0) {
              completing.add(r.body.id);
              const c = await api(server.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: spend });
              if (c.status === 200) acknowledged.set(r.body.id, 'completed');
            }
          } catch {
            // the connection died with the server: not acknowledged, nothing to check
          }
        }
      });
      await new Promise((r) => setTimeout(r, 400 + round * 150));
      await kill9(server);
      stop = true;
      await Promise.all(workers);

      server = await spawnServer(dataDir);
      expect(server.stdout()).not.toMatch(/bsk_test_|bmk_test_/);
      const verify = await api(server.url, 'GET', '/v1/ledger/verify', { key: mgmt });
      expect(verify.body).toMatchObject({ ok: true });
      for (const [id, status] of acknowledged) {
        const r = await api(server.url, 'GET', `/v1/spend-requests/${id}`, { key: mgmt });
        expect(r.status, id).toBe(200);
        if (status === 'approved' && completing.has(id)) expect(['approved', 'completed'], id).toContain(r.body.status);
        else expect(r.body.status, id).toBe(status);
      }
      const bal = await api(server.url, 'GET', '/v1/balance', { key: spend });
      const used = bal.body.budgets[0].spent_cents + bal.body.budgets[0].held_cents;
      expect(used).toBeLessThanOrEqual(80_000);
    }
    expect(acknowledged.size).toBeGreaterThan(20);
    expect(await terminate(server)).toBe(0);
  }, 120_000);
});
