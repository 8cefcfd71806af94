import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, listAll } from '../http/support.js';
import { addWorkspace, type Tenant } from './support.js';

let s: TestServer;
let other: Tenant;
let mgmtKeyId: string;
beforeAll(async () => {
  s = await startTestServer();
  other = await addWorkspace(s, false, 'other tenant');
  const keys = await listAll(s, '/v1/api-keys', s.mgmt);
  mgmtKeyId = keys.find((k) => s.mgmt.startsWith(k.prefix) && k.type === 'management').id;
});
afterAll(() => s.close());

const ok = async (p: Promise<{ status: number; body: any }>) => {
  const r = await p;
  expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
  return r.body;
};

describe('GET /v1/audit-log', () => {
  it('records every operator action with its actor, time, before and after', async () => {
    const started = Date.now() - 1000;
    const key = await ok(api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'audited' } }));
    await ok(api(s.url, 'DELETE', `/v1/api-keys/${key.id}`, { key: s.mgmt }));
    const pol = await ok(api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'audited policy', monthly_limit_cents: 100_000, require_approval_over_cents: 1000 } }));
    const agent = await ok(api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'audited agent', policy_id: pol.id } }));
    const spendKey = await ok(api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { agent_id: agent.id } }));
    const a = await ok(api(s.url, 'POST', '/v1/spend-requests', { key: spendKey.key, body: spendBody(5000) }));
    const b = await ok(api(s.url, 'POST', '/v1/spend-requests', { key: spendKey.key, body: spendBody(6000) }));
    await ok(api(s.url, 'POST', `/v1/approvals/${a.approval_id}/decline`, { key: s.mgmt, body: { note: 'no' } }));
    await ok(api(s.url, 'PUT', `/v1/policies/${pol.id}`, { key: s.mgmt, body: { monthly_limit_cents: 2000 } }));
    expectError(await api(s.url, 'POST', `/v1/approvals/${b.approval_id}/approve`, { key: s.mgmt, body: {} }), 409, 'budget_exceeded');
    await ok(api(s.url, 'POST', `/v1/approvals/${b.approval_id}/approve`, { key: s.mgmt, body: { override_budget: true, note: 'ceo said so' } }));
    await ok(api(s.url, 'POST', `/v1/agents/${agent.id}/pause`, { key: s.mgmt }));
    await ok(api(s.url, 'POST', `/v1/agents/${agent.id}/resume`, { key: s.mgmt }));
    await ok(api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 777 } }));
    const hook = await ok(api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hooks', events: ['*'] } }));
    await ok(api(s.url, 'PUT', `/v1/webhooks/${hook.id}`, { key: s.mgmt, body: { description: 'changed' } }));
    await ok(api(s.url, 'POST', `/v1/webhooks/${hook.id}/rotate-secret`, { key: s.mgmt }));
    await ok(api(s.url, 'DELETE', `/v1/webhooks/${hook.id}`, { key: s.mgmt }));
    const m = await ok(api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: agent.id, description: 'm', currency: 'usd' } }));
    await ok(api(s.url, 'PUT', `/v1/mandates/${m.id}`, { key: s.mgmt, body: { status: 'revoked' } }));
    await ok(api(s.url, 'DELETE', `/v1/agents/${agent.id}`, { key: s.mgmt }));
    await ok(api(s.url, 'POST', '/v1/dashboard/session', { body: { key: s.mgmt } }));

    const log = await listAll(s, '/v1/audit-log', s.mgmt);
    const byAction = (action: string, objectId?: string) => log.find((e) => e.action === action && (objectId === undefined || e.object_id === objectId));
    const expected: Array<[string, string]> = [
      ['key.created', key.id], ['key.revoked', key.id], ['policy.created', pol.id], ['policy.updated', pol.id],
      ['agent.created', agent.id], ['approval.declined', a.approval_id], ['approval.approved_with_override', b.approval_id],
      ['agent.paused', agent.id], ['agent.resumed', agent.id], ['agent.revoked', agent.id], ['wallet.funded', s.walletId],
      ['webhook_endpoint.created', hook.id], ['webhook_endpoint.updated', hook.id], ['webhook_endpoint.secret_rotated', hook.id],
      ['webhook_endpoint.deleted', hook.id], ['mandate.created', m.id], ['dashboard.signed_in', mgmtKeyId],
    ];
    for (const [action, id] of expected) {
      const e = byAction(action, id);
      expect(e, `${action} ${id}`).toBeDefined();
      expect(e).toMatchObject({ object: 'audit_entry', actor_type: 'operator', actor_id: mgmtKeyId, object_id: id });
      expect(Date.parse(e.created_at)).toBeGreaterThanOrEqual(started);
    }
    // Before and after, where there is a before.
    expect(byAction('policy.updated', pol.id)).toMatchObject({ before: { monthly_limit_cents: 100_000 }, after: { monthly_limit_cents: 2000 } });
    expect(byAction('key.revoked', key.id)).toMatchObject({ before: { revoked_at: null }, after: { revoked_at: expect.any(String) } });
    expect(byAction('agent.paused', agent.id)).toMatchObject({ before: { status: 'active' }, after: { status: 'paused' } });
    expect(byAction('approval.approved_with_override', b.approval_id)).toMatchObject({ before: { status: 'pending' }, after: { status: 'approved', override_budget: true, note: 'ceo said so' } });
    expect(byAction('wallet.funded', s.walletId)!.after).toBeTruthy();
    expect(byAction('webhook_endpoint.deleted', hook.id)).toMatchObject({ after: null });
    // Agents' own actions are in it too, as the agent's key.
    expect(log.find((e) => e.object_id === a.id)).toMatchObject({ actor_type: 'agent', actor_id: spendKey.id });
    // No secret is ever written into the log.
    const text = JSON.stringify(log);
    for (const secret of [key.key, spendKey.key, hook.secret, s.mgmt]) expect(text).not.toContain(secret);
  });

  it('pages newest first and filters by action, object and actor', async () => {
    const page1 = await api(s.url, 'GET', '/v1/audit-log?limit=2', { key: s.mgmt });
    expect(page1.status).toBe(200);
    expect(page1.body.data).toHaveLength(2);
    expect(page1.body.has_more).toBe(true);
    expect(page1.body.data[0].id > page1.body.data[1].id).toBe(true);
    const page2 = await api(s.url, 'GET', `/v1/audit-log?limit=2&cursor=${page1.body.next_cursor}`, { key: s.mgmt });
    expect(page2.body.data[0].id < page1.body.data[1].id).toBe(true);
    const revokes = await listAll(s, '/v1/audit-log?action=key.revoked', s.mgmt);
    expect(revokes.length).toBeGreaterThan(0);
    expect(revokes.every((e) => e.action === 'key.revoked')).toBe(true);
    const one = await listAll(s, `/v1/audit-log?object_id=${s.walletId}`, s.mgmt);
    expect(one.length).toBeGreaterThan(0);
    expect(one.every((e) => e.object_id === s.walletId)).toBe(true);
    const mine = await listAll(s, `/v1/audit-log?actor_id=${mgmtKeyId}`, s.mgmt);
    expect(mine.every((e) => e.actor_id === mgmtKeyId)).toBe(true);
    expectError(await api(s.url, 'GET', '/v1/audit-log?limit=0', { key: s.mgmt }), 400, 'invalid_request', 'limit');
  });

  it("shows a workspace only its own entries, and refuses spending keys", async () => {
    const theirs = await listAll(s, '/v1/audit-log', other.mgmt);
    expect(theirs.length).toBeGreaterThan(0);
    const ours = new Set((await listAll(s, '/v1/audit-log', s.mgmt)).map((e) => e.id));
    expect(theirs.some((e) => ours.has(e.id))).toBe(false);
    expectError(await api(s.url, 'GET', '/v1/audit-log', { key: s.spend }), 403, 'forbidden');
  });

  it('is append-only in the database itself: an entry cannot be rewritten or removed', async () => {
    const db = s.server.db.db;
    const first = await db.selectFrom('audit_log').select('id').limit(1).executeTakeFirstOrThrow();
    await expect(sql`update audit_log set action = 'rewritten' where id = ${first.id}`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log where id = ${first.id}`.execute(db)).rejects.toThrow(/append-only/);
    expect((await db.selectFrom('audit_log').select('action').where('id', '=', first.id).executeTakeFirstOrThrow()).action).not.toBe('rewritten');
  });
});
