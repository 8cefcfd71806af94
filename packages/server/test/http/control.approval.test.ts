import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerRail, sandboxRail } from '../../src/rails/rail.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, eventually, freshAgent, ledgerOf, type FreshAgent } from './support.js';

let s: TestServer;
let ag: FreshAgent;
beforeAll(async () => {
  // A short sweep: the path that finds approved payments left unexecuted (after a crash or a restart).
  s = await startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
  ag = await freshAgent(s, { monthly_limit_cents: 1_000_000, require_approval_over_cents: 1000 }, 'payer');
});
afterAll(async () => {
  registerRail(sandboxRail);
  await s.close();
});

async function mandate(extra: Record<string, unknown> = {}) {
  const r = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: ag.agentId, description: 'vendors', currency: 'usd', ...extra } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** A payment over the approval threshold: answered requires_approval, with its approval's id. */
async function pendingPayment(mandateId: string, amount = 5000, extra: Record<string, unknown> = {}) {
  const t = await api(s.url, 'POST', `/v1/agents/${ag.agentId}/execution-tokens`, {
    key: s.mgmt,
    body: { mandate_id: mandateId, action: 'payment.create', audience: 'bursar:payments' },
  });
  const p = await api(s.url, 'POST', '/v1/payments', { key: t.body.token, body: { amount_cents: amount, currency: 'usd', merchant_name: 'AWS', ...extra } });
  expect(p.status, JSON.stringify(p.body)).toBe(200);
  expect(p.body).toMatchObject({ status: 'requires_approval', rail_transaction_id: null });
  const spend = await api(s.url, 'GET', `/v1/spend-requests/${p.body.spend_request_id}`, { key: s.mgmt });
  return { payment: p.body, approvalId: spend.body.approval_id as string };
}

const payment = async (id: string) => (await api(s.url, 'GET', `/v1/payments/${id}`, { key: s.mgmt })).body;
const settled = (id: string) => eventually(async () => {
  const p = await payment(id);
  return p.status !== 'processing' && p.status !== 'requires_approval' ? p : null;
});
const approve = (approvalId: string) => api(s.url, 'POST', `/v1/approvals/${approvalId}/approve`, { key: s.mgmt, body: {} });

describe('a payment that required approval', () => {
  it('is executed through its rail once a human approves it', async () => {
    const m = await mandate({ total_limit_cents: 50_000 });
    const { payment: p, approvalId } = await pendingPayment(m.id);
    expect((await approve(approvalId)).status).toBe(200);
    const done = await settled(p.id);
    expect(done).toMatchObject({ status: 'succeeded', decision_code: 'approved', rail: 'sandbox', rail_transaction_id: expect.stringMatching(/^sbx_/), failure_reason: null });
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'capture']);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body.spent_cents).toBe(5000);
    expect((await eventsOf(s, p.id)).map((e) => e.type)).toEqual(['payment.requires_approval', 'payment.processing', 'payment.succeeded']);
    const audit = await s.server.db.db.selectFrom('audit_log').select(['action', 'actor_type']).where('object_id', '=', p.id).orderBy('id').execute();
    expect(audit).toEqual([
      { action: 'payment.requires_approval', actor_type: 'execution' },
      { action: 'payment.processing', actor_type: 'operator' },
      { action: 'payment.succeeded', actor_type: 'system' },
    ]);
  });

  it('declined by the operator, ends declined: nothing held, nothing executed', async () => {
    const m = await mandate();
    const { payment: p, approvalId } = await pendingPayment(m.id);
    expect((await api(s.url, 'POST', `/v1/approvals/${approvalId}/decline`, { key: s.mgmt, body: { note: 'no' } })).status).toBe(200);
    expect(await payment(p.id)).toMatchObject({ status: 'declined', decision_code: 'declined_by_operator', rail_transaction_id: null });
    expect(await ledgerOf(s, p.spend_request_id)).toEqual([]);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body.spent_cents).toBe(0);
  });

  it('a rail failure after approval releases the hold and ends failed', async () => {
    const m = await mandate();
    const { payment: p, approvalId } = await pendingPayment(m.id, 3000, { simulate: 'fail' });
    await approve(approvalId);
    expect(await settled(p.id)).toMatchObject({ status: 'failed', failure_reason: expect.stringContaining('Simulated failure') });
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'release']);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body.spent_cents).toBe(0);
  });

  it('a mandate revoked before execution: the approved hold is released, the payment fails, the rail is never called', async () => {
    const m = await mandate();
    const { payment: p, approvalId } = await pendingPayment(m.id);
    let crashes = 0;
    registerRail({ ...sandboxRail, async execute() { crashes++; throw new Error('rail unreachable'); } });
    await approve(approvalId);
    await eventually(async () => crashes >= 1);
    expect((await api(s.url, 'PUT', `/v1/mandates/${m.id}`, { key: s.mgmt, body: { status: 'revoked' } })).status).toBe(200);
    let calls = 0;
    registerRail({ ...sandboxRail, async execute(pay) { calls++; return sandboxRail.execute(pay); } });
    expect(await settled(p.id)).toMatchObject({ status: 'failed', rail_transaction_id: null, failure_reason: expect.stringContaining('revoked') });
    registerRail(sandboxRail);
    expect(calls).toBe(0);
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'release']);
  });

  it('concurrent approvals execute it exactly once', async () => {
    const m = await mandate();
    const { payment: p, approvalId } = await pendingPayment(m.id, 4000);
    const answers = await Promise.all(Array.from({ length: 6 }, () => approve(approvalId)));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.filter((a) => a.status !== 200).every((a) => a.status === 409)).toBe(true);
    await settled(p.id);
    // A few more sweeps find nothing left to run.
    await new Promise((r) => setTimeout(r, 600));
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'capture']);
    expect((await eventsOf(s, p.id)).filter((e) => e.type === 'payment.succeeded')).toHaveLength(1);
    expect((await api(s.url, 'GET', `/v1/mandates/${m.id}`, { key: s.mgmt })).body.spent_cents).toBe(4000);
  });

  it('a crash between approval and execution leaves it queued; the sweep runs it once, with the same rail transaction', async () => {
    const m = await mandate();
    const { payment: p, approvalId } = await pendingPayment(m.id, 2500);
    // The process dies inside the rail call: every attempt throws, so nothing it did commits.
    let crashes = 0;
    registerRail({ ...sandboxRail, async execute() { crashes++; throw new Error('process killed mid-call'); } });
    await approve(approvalId);
    await eventually(async () => crashes >= 2);
    expect(await payment(p.id)).toMatchObject({ status: 'processing', rail_transaction_id: null });
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold']);
    const seen: string[] = [];
    registerRail({ ...sandboxRail, async execute(pay) { const r = await sandboxRail.execute(pay); seen.push(r.id); return r; } });
    const done = await settled(p.id);
    registerRail(sandboxRail);
    expect(done).toMatchObject({ status: 'succeeded' });
    expect(seen).toEqual([done.rail_transaction_id]);
    // Idempotent per payment id: the rail answers a retried execution with the same transaction.
    expect((await sandboxRail.execute({ amountCents: 2500, currency: 'usd', merchant: 'AWS', reference: p.id })).id).toBe(done.rail_transaction_id);
    expect((await ledgerOf(s, p.spend_request_id)).map((x) => x.type)).toEqual(['hold', 'capture']);
    expect((await eventsOf(s, p.id)).map((e) => e.type)).toEqual(['payment.requires_approval', 'payment.processing', 'payment.succeeded']);
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });
});

describe('a payment nobody approves', () => {
  it('ends declined when its approval expires', async () => {
    const short = await startTestServer({ BURSAR_APPROVAL_TTL_SECONDS: '1', BURSAR_SWEEP_INTERVAL_SECONDS: '0.2' });
    try {
      const pay = async (agentId: string) => {
        const m = await api(short.url, 'POST', '/v1/mandates', { key: short.mgmt, body: { agent_id: agentId, description: 'x', currency: 'usd' } });
        const t = await api(short.url, 'POST', `/v1/agents/${agentId}/execution-tokens`, {
          key: short.mgmt,
          body: { mandate_id: m.body.id, action: 'payment.create', audience: 'bursar:payments' },
        });
        const p = await api(short.url, 'POST', '/v1/payments', { key: t.body.token, body: { amount_cents: 5000, currency: 'usd', merchant_name: 'AWS' } });
        expect(p.body.status).toBe('requires_approval');
        return p.body;
      };
      const a = await freshAgent(short, { require_approval_over_cents: 1000 }, 'slow');
      const expiring = await pay(a.agentId);
      const expired = await eventually(async () => {
        const p = (await api(short.url, 'GET', `/v1/payments/${expiring.id}`, { key: short.mgmt })).body;
        return p.status === 'declined' ? p : null;
      });
      expect(expired).toMatchObject({ failure_reason: 'Nobody approved the payment in time', rail_transaction_id: null });

      expect((await api(short.url, 'GET', '/v1/ledger/verify', { key: short.mgmt })).body.ok).toBe(true);
    } finally {
      await short.close();
    }
  });
});
