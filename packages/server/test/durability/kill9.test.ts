import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { createPgDatabase } from '../helpers/pg.js';
import { api, spendBody } from '../helpers/server.js';
import { keysFrom, kill9, spawnServer, terminate } from '../helpers/process.js';
import { startReceiver } from '../helpers/receiver.js';

/** Kill points per run: a few in `npm test`, many in `npm run test:soak` (BURSAR_SOAK=1). */
const ITERATIONS = Number(process.env.BURSAR_KILL9_ITERATIONS ?? (process.env.BURSAR_SOAK === '1' ? 25 : 4));
const env: Record<string, string> = { BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.5,1,1,1,1,1,1,1,1,1,1', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '2' };

describe('kill -9 under load', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bursar-kill9-'));
  // The postgres project runs the same kills against a server on PostgreSQL.
  beforeAll(async () => {
    if (process.env.BURSAR_TEST_DATABASE === 'postgres') env.DATABASE_URL = await createPgDatabase();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps every acknowledged decision, the ledger verifies after each restart, and every event is delivered', async () => {
    const rx = await startReceiver(() => 200);
    onTestFinished(() => rx.close());
    let server = await spawnServer(dataDir, env);
    const { mgmt, spend } = keysFrom(server.stdout());
    // Every event from here on must reach this receiver, whatever the kills interrupt.
    expect((await api(server.url, 'POST', '/v1/webhooks', { key: mgmt, body: { url: rx.url, events: ['*'] } })).status).toBe(201);
    const firstEvents = await api(server.url, 'GET', '/v1/events?limit=1', { key: mgmt });
    const watermark: string = firstEvents.body.data[0]?.id ?? '';
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
      // A random kill point: anywhere from the first requests to well into the load.
      await new Promise((r) => setTimeout(r, 150 + Math.floor(Math.random() * 1000)));
      await kill9(server);
      stop = true;
      await Promise.all(workers);

      server = await spawnServer(dataDir, env);
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

    // The outbox: every event committed after the endpoint existed reaches the receiver.
    const events: string[] = [];
    for (let cursor: string | null = null; ; ) {
      const page: { body: { data: Array<{ id: string }>; next_cursor: string | null } } = await api(server.url, 'GET', `/v1/events?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { key: mgmt });
      events.push(...page.body.data.map((e) => e.id).filter((id) => id > watermark));
      cursor = page.body.next_cursor;
      if (!cursor) break;
    }
    const delivered = () => new Set(rx.received.map((r) => String(r.headers['webhook-id'])));
    await rx.waitFor(() => events.every((id) => delivered().has(id)), 90_000).catch(() => {});
    const lost = events.filter((id) => !delivered().has(id));
    expect(lost, `${lost.length} of ${events.length} events never delivered`).toEqual([]);
    console.log(`kill -9: ${ITERATIONS} kills under load, ${attempt} requests sent, ${acknowledged.size} decisions acknowledged and all present, ${events.length} events all delivered, nothing lost`);
    expect(await terminate(server)).toBe(0);
  }, 120_000 + ITERATIONS * 15_000);
});
