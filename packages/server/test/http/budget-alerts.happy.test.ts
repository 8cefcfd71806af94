import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventually, freshAgent, listAll, type FreshAgent } from './support.js';

/**
 * Budget alerts: a hold that takes a policy window's spent + held across one of its thresholds
 * sends one `budget.threshold_crossed`, once per policy, window and threshold, delivered as a
 * signed webhook like every event.
 */
let s: TestServer;
let rx: Receiver;
let secret: string;
beforeAll(async () => {
  s = await startTestServer({ BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '1' });
  rx = await startReceiver();
  const endpoint = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: rx.url, events: ['budget.*'] } });
  expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
  secret = endpoint.body.secret;
  // Enough for every test's holds.
  expect((await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } })).status).toBe(200);
});
afterAll(async () => {
  await s.close();
  await rx.close();
});

const spend = async (a: FreshAgent, amount: number, status = 'approved') => {
  const r = await api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: spendBody(amount) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe(status);
  return r.body;
};
const settle = async (id: string, action: 'cancel' | 'complete', body?: unknown) => {
  const r = await api(s.url, 'POST', `/v1/spend-requests/${id}/${action}`, { key: s.mgmt, ...(body === undefined ? {} : { body }) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
};
/** The policy's alerts from GET /v1/events (filed under the policy's id), oldest first. */
const alertsOf = async (policyId: string) =>
  (await listAll(s, `/v1/events?type=budget.threshold_crossed&object_id=${policyId}`, s.mgmt)).reverse();
/** The alert webhooks received for a policy, verified with the Standard Webhooks library. */
const deliveredFor = (policyId: string) =>
  rx.received
    .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { id: string; type: string; data: { object: { policy_id: string } } })
    .filter((e) => e.data.object.policy_id === policyId);

const startOfMonth = () => {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString();
};
const alert = (policyId: string, threshold: number, spent: number, held: number, limit = 10_000, period = 'monthly', windowStart: string | null = startOfMonth()) => ({
  object: 'budget_alert', policy_id: policyId, period, window_start: windowStart, threshold_percent: threshold,
  limit_cents: limit, spent_cents: spent, held_cents: held, currency: 'usd',
});

describe('budget.threshold_crossed', () => {
  it('10,000 monthly at [50, 100]: 4,000 then 2,000 sends one 50 % alert, reaching 10,000 one 100 % alert, and releasing and spending again none', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, alert_thresholds_percent: [50, 100] }, 'alerts-a');
    const first = await spend(a, 4000);
    expect(await alertsOf(a.policyId)).toEqual([]);
    const second = await spend(a, 2000);
    let alerts = await alertsOf(a.policyId);
    expect(alerts.map((e) => e.data.object)).toEqual([alert(a.policyId, 50, 0, 6000)]);
    const third = await spend(a, 4000);
    alerts = await alertsOf(a.policyId);
    expect(alerts.map((e) => e.data.object)).toEqual([alert(a.policyId, 50, 0, 6000), alert(a.policyId, 100, 0, 10_000)]);

    // Back below both thresholds and across them again: the window has had its alerts.
    await settle(second.id, 'cancel');
    await settle(third.id, 'cancel');
    await spend(a, 6000);
    // Capturing moves held to spent: spent + held does not grow.
    await settle(first.id, 'complete', { amount_cents: 4000 });
    expect(await alertsOf(a.policyId)).toHaveLength(2);
    const rows = await s.server.db.db.selectFrom('budget_alerts').selectAll().where('policy_id', '=', a.policyId).orderBy('threshold_percent').execute();
    expect(rows.map((r) => [r.period, r.threshold_percent, r.event_id])).toEqual([['monthly', 50, alerts[0].id], ['monthly', 100, alerts[1].id]]);

    // Delivered once each, signed: the webhook is the event GET /v1/events answers.
    await rx.waitFor(() => deliveredFor(a.policyId).length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const delivered = deliveredFor(a.policyId);
    expect(delivered.map((e) => e.id)).toEqual(alerts.map((e) => e.id));
    expect(delivered.map(({ type, data }) => ({ type, data }))).toEqual(alerts.map(({ type, data }) => ({ type, data })));
  });

  it('[] turns alerts off', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, alert_thresholds_percent: [] }, 'alerts-off');
    await spend(a, 6000);
    await spend(a, 4000);
    expect(await alertsOf(a.policyId)).toEqual([]);
    await new Promise((r) => setTimeout(r, 300));
    expect(deliveredFor(a.policyId)).toEqual([]);
  });

  it('the default [80, 100] alerts at 80 %, and a hold that jumps past both sends both, in order', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000 }, 'alerts-default');
    expect((await api(s.url, 'GET', `/v1/policies/${a.policyId}`, { key: s.mgmt })).body.alert_thresholds_percent).toEqual([80, 100]);
    await spend(a, 7999);
    expect(await alertsOf(a.policyId)).toEqual([]);
    await spend(a, 1);
    expect((await alertsOf(a.policyId)).map((e) => e.data.object)).toEqual([alert(a.policyId, 80, 0, 8000)]);

    const b = await freshAgent(s, { monthly_limit_cents: 10_000 }, 'alerts-jump');
    await spend(b, 10_000);
    expect((await alertsOf(b.policyId)).map((e) => e.data.object.threshold_percent)).toEqual([80, 100]);
  });

  it('an operator approving a request that needs approval raises the alert its hold crosses; capturing it raises none', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, require_approval_over_cents: 3000, alert_thresholds_percent: [50] }, 'alerts-approval');
    const pending = await spend(a, 6000, 'needs_approval');
    expect(await alertsOf(a.policyId)).toEqual([]);
    const approved = await api(s.url, 'POST', `/v1/approvals/${pending.approval_id}/approve`, { key: s.mgmt, body: {} });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const alerts = await alertsOf(a.policyId);
    expect(alerts.map((e) => e.data.object)).toEqual([alert(a.policyId, 50, 0, 6000)]);
    // After the approval's own events, in the same transaction.
    const approvalEvent = (await listAll(s, `/v1/events?type=approval.approved&object_id=${pending.approval_id}`, s.mgmt))[0];
    expect(alerts[0].id > approvalEvent.id).toBe(true);
    await settle(pending.id, 'complete', { amount_cents: 6000 });
    expect(await alertsOf(a.policyId)).toHaveLength(1);
  });

  it('each limited window alerts on its own: a daily limit and a monthly limit crossed by one hold', async () => {
    const a = await freshAgent(s, { daily_limit_cents: 1000, monthly_limit_cents: 2000, alert_thresholds_percent: [50, 100] }, 'alerts-windows');
    await spend(a, 1000);
    const objects = (await alertsOf(a.policyId)).map((e) => e.data.object);
    const now = new Date();
    const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate())).toISOString();
    expect(objects).toEqual([
      alert(a.policyId, 50, 0, 1000, 1000, 'daily', today),
      alert(a.policyId, 100, 0, 1000, 1000, 'daily', today),
      alert(a.policyId, 50, 0, 1000, 2000),
    ]);
  });

  it('a budget lease granted from the policy is held there, and alerts like a hold', async () => {
    const parent = await freshAgent(s, { total_limit_cents: 10_000, alert_thresholds_percent: [50] }, 'alerts-parent');
    const pol = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'child policy' } });
    const child = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'alerts-child', policy_id: pol.body.id, parent_agent_id: parent.agentId } });
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', { key: parent.key, body: { child_agent_id: child.body.id, amount_cents: 5000, currency: 'usd' } });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
    expect((await alertsOf(parent.policyId)).map((e) => e.data.object)).toEqual([alert(parent.policyId, 50, 0, 5000, 10_000, 'total', null)]);
  });

  it('requests that arrive together cross each threshold once, refusals among them', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, alert_thresholds_percent: [25, 50, 100] }, 'alerts-together');
    // Every fourth is refused inside the decision (another currency than the policy's): on
    // PostgreSQL a batch it joins rolls back whole and its decisions run again one by one
    // (budget-alerts.batch.test.ts makes that happen to a crossing for certain).
    const results = await Promise.all(Array.from({ length: 32 }, (_, i) =>
      api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: spendBody(500, i % 4 === 3 ? { currency: 'eur' } : {}) })));
    expect(results.filter((r) => r.status === 400)).toHaveLength(8);
    expect(results.filter((r) => r.body.status === 'approved')).toHaveLength(20);
    const alerts = await alertsOf(a.policyId);
    expect(alerts.map((e) => e.data.object.threshold_percent)).toEqual([25, 50, 100]);
    // Each alert reports the hold that crossed it: the first at or past its threshold.
    expect(alerts.map((e) => e.data.object.held_cents)).toEqual([2500, 5000, 10_000]);
    await eventually(async () => deliveredFor(a.policyId).length === 3);
  });
});
