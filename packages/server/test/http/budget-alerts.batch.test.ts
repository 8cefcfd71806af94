import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runService } from '../../src/services/run.js';
import { createSpend } from '../../src/services/spend/requests.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { serviceConfig } from '../security/support.js';
import { freshAgent } from './support.js';

/**
 * A decision that crosses an alert threshold inside a batch that rolls back (PostgreSQL) is made
 * again alone: the alert's row rolled back with the batch, so the second run records it and
 * sends its event, once. On SQLite every decision runs alone and the same holds trivially.
 */
describe('budget alerts and decision batches', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('a crossing decided in a batch that rolls back is recorded once, by the run that commits', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, alert_thresholds_percent: [50] }, 'batched');
    const caller = { workspace: { id: s.server.provisioned!.workspaceId, livemode: false }, actor: { type: 'agent' as const, keyId: a.keyId, agentId: a.agentId } };
    // Two agent ids (the same twice): no read-ahead, so all three join the batcher in this tick.
    const decision = { agentIds: [a.agentId, a.agentId] };
    let crossingRuns = 0;
    const decide = (amount: number, counted = false) => runService(s.server.db, serviceConfig(s), caller, async (ctx) => {
      if (counted) crossingRuns += 1;
      return (await createSpend({ ctx, input: { ...spendBody(amount), agent_id: a.agentId } })).spend;
    }, decision);
    const refuse = () => runService(s.server.db, serviceConfig(s), caller, async () => {
      throw new Error('refused');
    }, decision);
    // Queued in this order: the crossing decision, then the refusal, which rolls the batch back.
    const [crossing, refused, after] = await Promise.allSettled([decide(6000, true), refuse(), decide(1000)]);
    expect(crossing).toMatchObject({ status: 'fulfilled', value: { status: 'approved' } });
    expect(refused).toMatchObject({ status: 'rejected' });
    expect(after).toMatchObject({ status: 'fulfilled', value: { status: 'approved' } });
    // On PostgreSQL the batch ran it, rolled back at the refusal, and it ran again alone.
    expect(crossingRuns).toBe(s.server.db.kind === 'postgres' ? 2 : 1);

    const events = await api(s.url, 'GET', `/v1/events?type=budget.threshold_crossed&object_id=${a.policyId}`, { key: s.mgmt });
    expect(events.body.data.map((e: { data: { object: { threshold_percent: number; held_cents: number } } }) => e.data.object))
      .toEqual([expect.objectContaining({ threshold_percent: 50, held_cents: 6000 })]);
    const rows = await s.server.db.db.selectFrom('budget_alerts').selectAll().where('policy_id', '=', a.policyId).execute();
    expect(rows.map((r) => r.event_id)).toEqual([events.body.data[0].id]);
  });
});
