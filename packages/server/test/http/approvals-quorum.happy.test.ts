import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../helpers/receiver.js';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, expectNoStateChange, freshAgent, listAll, walletBalance, type FreshAgent } from './support.js';

/**
 * Approval quorum: a policy's `approvals_required` distinct operators must approve a request that
 * needs approval; any one decline declines it; the budget re-check and the hold come with the last.
 */
let s: TestServer;
let rx: Receiver;
let secret: string;
/** Three operators: the server's own management key and two more. */
const ops: Array<{ key: string; id: string }> = [];

beforeAll(async () => {
  s = await startTestServer();
  rx = await startReceiver();
  expect((await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1_000_000 } })).status).toBe(200);
  const keys = await listAll(s, '/v1/api-keys', s.mgmt);
  ops.push({ key: s.mgmt, id: keys.find((k) => k.type === 'management').id });
  for (const name of ['finance-1', 'finance-2']) {
    const k = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name } });
    expect(k.status, JSON.stringify(k.body)).toBe(201);
    ops.push({ key: k.body.key, id: k.body.id });
  }
});
afterAll(async () => {
  await s.close();
  await rx.close();
});

const pendingFor = async (a: FreshAgent, amount: number) => {
  const r = await api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: spendBody(amount) });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body.status).toBe('needs_approval');
  return r.body as { id: string; approval_id: string };
};
const approve = (op: { key: string }, id: string, body: Record<string, unknown> = {}) =>
  api(s.url, 'POST', `/v1/approvals/${id}/approve`, { key: op.key, body });

describe('approvals_required', () => {
  it('defaults to 1, takes 1–5 and is on both dialects', async () => {
    const a = await freshAgent(s, {}, 'quorum-default');
    expect((await api(s.url, 'GET', `/v1/policies/${a.policyId}`, { key: s.mgmt })).body.approvals_required).toBe(1);
    const put = await api(s.url, 'PUT', `/v1/policies/${a.policyId}`, { key: s.mgmt, body: { approvals_required: 5 } });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(put.body).toMatchObject({ approvals_required: 5, version: 2 });
    const apiV1 = await api(s.url, 'POST', '/api/v1/policies', { key: s.mgmt, body: { name: 'two of finance', approvalsRequired: 2 } });
    expect(apiV1.status, JSON.stringify(apiV1.body)).toBe(201);
    expect(apiV1.body.approvalsRequired).toBe(2);
    expect((await api(s.url, 'GET', `/v1/policies/${apiV1.body.id}`, { key: s.mgmt })).body.approvals_required).toBe(2);
  });

  it('refuses 0, 6, 1.5 and a string, naming the field, and changes nothing', async () => {
    const a = await freshAgent(s, {}, 'quorum-bad');
    for (const bad of [0, 6, 1.5, '2', null]) {
      await expectNoStateChange(s, async () => {
        const r = await api(s.url, 'PUT', `/v1/policies/${a.policyId}`, { key: s.mgmt, body: { approvals_required: bad } });
        expectError(r, 400, 'invalid_request', 'approvals_required');
      });
    }
    const r = await api(s.url, 'POST', '/api/v1/policies', { key: s.mgmt, body: { name: 'x', approvalsRequired: 9 } });
    expect(r.status).toBe(400);
  });

  it('two of three: the first approval keeps it pending and holds nothing; the second approves it and holds the money', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 1000, approvals_required: 2 }, 'quorum-two');
    const req = await pendingFor(a, 5000);
    const before = await walletBalance(s);

    const first = await approve(ops[1]!, req.approval_id, { note: 'fine by me' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({
      id: req.approval_id,
      status: 'pending',
      approvals_required: 2,
      approvals: [{ by: ops[1]!.id, at: expect.any(String), note: 'fine by me' }],
      decided_by: null,
      decided_at: null,
      spend_request: { id: req.id, status: 'needs_approval' },
    });
    expect(await walletBalance(s)).toEqual(before);
    const got = await api(s.url, 'GET', `/v1/approvals/${req.approval_id}`, { key: s.mgmt });
    expect(got.body).toMatchObject({ status: 'pending', approvals: [{ by: ops[1]!.id }], approvals_required: 2 });
    const listed = (await listAll(s, '/v1/approvals?status=pending', s.mgmt)).find((x) => x.id === req.approval_id);
    expect(listed).toEqual(got.body);

    // The same operator again: 409, and nothing changes.
    await expectNoStateChange(s, async () => {
      const again = await approve(ops[1]!, req.approval_id, { note: 'really' });
      expectError(again, 409, 'already_approved_by_you');
    });

    const second = await approve(ops[2]!, req.approval_id, { note: 'agreed' });
    expect(second.status, JSON.stringify(second.body)).toBe(200);
    expect(second.body).toMatchObject({
      status: 'approved',
      decided_by: ops[2]!.id,
      note: 'agreed',
      approvals_required: 2,
      approvals: [
        { by: ops[1]!.id, note: 'fine by me' },
        { by: ops[2]!.id, note: 'agreed' },
      ],
      spend_request: { id: req.id, status: 'approved' },
    });
    expect(await walletBalance(s)).toEqual({ available: before.available - 5000, held: before.held + 5000 });
    // A third approval of a decided request is 409 invalid_state, as before.
    expectError(await approve(ops[0]!, req.approval_id), 409, 'invalid_state');

    // Events: created, partially approved, approved, in order; each approval audited.
    const types = (await eventsOf(s, req.approval_id)).map((e) => e.type);
    expect(types).toEqual(['approval.created', 'approval.partially_approved', 'approval.approved']);
    const audit = await listAll(s, `/v1/audit-log?object_id=${req.approval_id}`, s.mgmt);
    expect(audit.map((e) => [e.action, e.actor_id])).toEqual(
      expect.arrayContaining([
        ['approval.partially_approved', ops[1]!.id],
        ['approval.approved', ops[2]!.id],
      ]),
    );

  });

  it('any one decline declines it, even after approvals', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 1000, approvals_required: 3 }, 'quorum-decline');
    const req = await pendingFor(a, 2000);
    expect((await approve(ops[0]!, req.approval_id)).body.status).toBe('pending');
    expect((await approve(ops[1]!, req.approval_id)).body.approvals).toHaveLength(2);
    const declined = await api(s.url, 'POST', `/v1/approvals/${req.approval_id}/decline`, { key: ops[2]!.key, body: { note: 'no' } });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', decided_by: ops[2]!.id, approvals: [{ by: ops[0]!.id }, { by: ops[1]!.id }], spend_request: { status: 'declined' } });
  });

  it('the budget re-check and override_budget apply at the final approval; a refused final approval is not counted', async () => {
    const a = await freshAgent(s, { monthly_limit_cents: 10_000, require_approval_over_cents: 1000, approvals_required: 2 }, 'quorum-budget');
    const req = await pendingFor(a, 6000);
    // A partial approval does not re-check the budget: nothing is held yet.
    expect((await approve(ops[0]!, req.approval_id)).body.status).toBe('pending');
    const other = await api(s.url, 'POST', '/v1/spend-requests', { key: a.key, body: spendBody(900) });
    expect(other.body.status).toBe('approved');
    const squeeze = await pendingFor(a, 3500);
    expect((await approve(ops[0]!, squeeze.approval_id)).status).toBe(200);
    expect((await approve(ops[1]!, squeeze.approval_id)).body.status).toBe('approved');
    // 900 + 3500 held: 6000 more is over the 10,000 month by 400.
    await expectNoStateChange(s, async () => {
      const refused = await approve(ops[1]!, req.approval_id);
      expectError(refused, 409, 'budget_exceeded');
      expect(refused.body.error.exceeds_budget_by_cents).toBe(400);
    });
    expect((await api(s.url, 'GET', `/v1/approvals/${req.approval_id}`, { key: s.mgmt })).body.approvals).toHaveLength(1);
    const forced = await approve(ops[1]!, req.approval_id, { override_budget: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    expect(forced.body).toMatchObject({ status: 'approved', override_budget: true, approvals: [{ by: ops[0]!.id }, { by: ops[1]!.id }] });
  });

  it('raising the quorum covers requests already waiting; lowering it does not shorten them', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 1000 }, 'quorum-raised');
    const req = await pendingFor(a, 2000);
    expect((await api(s.url, 'PUT', `/v1/policies/${a.policyId}`, { key: s.mgmt, body: { approvals_required: 2 } })).status).toBe(200);
    expect((await api(s.url, 'GET', `/v1/approvals/${req.approval_id}`, { key: s.mgmt })).body.approvals_required).toBe(2);
    expect((await approve(ops[0]!, req.approval_id)).body.status).toBe('pending');

    const later = await pendingFor(a, 2000);
    expect((await api(s.url, 'PUT', `/v1/policies/${a.policyId}`, { key: s.mgmt, body: { approvals_required: 1 } })).status).toBe(200);
    expect((await approve(ops[0]!, later.approval_id)).body).toMatchObject({ status: 'pending', approvals_required: 2 });
    const done = await approve(ops[1]!, later.approval_id);
    expect(done.body).toMatchObject({ status: 'approved', approvals_required: 2 });
  });

  it('/api/v1 resolve counts as one operator: PENDING with no SAT until the quorum, then APPROVED with one', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 1000, approvals_required: 2 }, 'quorum-api-v1');
    const req = await pendingFor(a, 2000);
    const first = await api(s.url, 'POST', `/api/v1/approvals/${req.approval_id}/resolve`, { key: ops[0]!.key, body: { status: 'APPROVED' } });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'PENDING', sat: null });
    const again = await api(s.url, 'POST', `/api/v1/approvals/${req.approval_id}/resolve`, { key: ops[0]!.key, body: { status: 'APPROVED' } });
    expect(again.status).toBe(409);
    const second = await api(s.url, 'POST', `/api/v1/approvals/${req.approval_id}/resolve`, { key: ops[1]!.key, body: { status: 'APPROVED' } });
    expect(second.body).toMatchObject({ status: 'APPROVED', sat: expect.any(String) });
  });

  // Last: deliveries written while a later test compares the database would read as a change.
  it('approval.partially_approved and approval.approved are delivered signed (Standard Webhooks verifier)', async () => {
    const endpoint = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: rx.url, events: ['approval.*'] } });
    expect(endpoint.status, JSON.stringify(endpoint.body)).toBe(201);
    secret = endpoint.body.secret;
    const a = await freshAgent(s, { require_approval_over_cents: 1000, approvals_required: 2 }, 'quorum-webhooks');
    const req = await pendingFor(a, 2000);
    await approve(ops[0]!, req.approval_id, { note: 'one' });
    await approve(ops[1]!, req.approval_id, { note: 'two' });
    await rx.waitFor(() => verified(req.approval_id).length >= 3);
    const delivered = verified(req.approval_id);
    expect(delivered.map((e) => e.type)).toEqual(['approval.created', 'approval.partially_approved', 'approval.approved']);
    expect(delivered[1]!.data.object).toMatchObject({ status: 'pending', approvals: [{ by: ops[0]!.id, note: 'one' }], approvals_required: 2 });
    expect(delivered[2]!.data.object).toMatchObject({ status: 'approved', approvals: [{ by: ops[0]!.id }, { by: ops[1]!.id, note: 'two' }] });
    // The webhook is the event GET /v1/events answers.
    const events = await eventsOf(s, req.approval_id);
    expect(delivered.map((e) => [e.type, e.data.object])).toEqual(events.map((e) => [e.type, e.object]));
  });

  it('two operators finishing a quorum at once: one approves, the other is refused, the money is held once', async () => {
    const a = await freshAgent(s, { require_approval_over_cents: 1000, approvals_required: 2 }, 'quorum-race');
    const req = await pendingFor(a, 3000);
    expect((await approve(ops[0]!, req.approval_id)).status).toBe(200);
    const before = await walletBalance(s);
    const [x, y] = await Promise.all([approve(ops[1]!, req.approval_id), approve(ops[2]!, req.approval_id)]);
    const statuses = [x.status, y.status].sort();
    expect(statuses).toEqual([200, 409]);
    const ok = x.status === 200 ? x : y;
    expect(ok.body.status).toBe('approved');
    expect(ok.body.approvals).toHaveLength(2);
    expect(await walletBalance(s)).toEqual({ available: before.available - 3000, held: before.held + 3000 });
  });
});

function verified(approvalId: string) {
  return rx.received
    .map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { id: string; type: string; data: { object: { id: string; status: string } } })
    .filter((e) => e.data.object.id === approvalId)
    // Webhooks promise no order between events (a retry may overtake): read them in event order.
    .sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
}
