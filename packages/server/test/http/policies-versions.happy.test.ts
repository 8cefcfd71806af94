import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { expectError, freshAgent, listAll } from './support.js';

describe('policy versions', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const keyIdOf = async (key: string) => {
    const keys = await listAll(s, '/v1/api-keys', s.mgmt);
    return keys.find((k) => key.startsWith(k.prefix))?.id as string;
  };

  it('starts at version 1 and lists every version newest first, each as it was and by whom', async () => {
    const created = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'v1', monthly_limit_cents: 50_000 } });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe(1);
    const id = created.body.id;
    const first = await api(s.url, 'PUT', `/v1/policies/${id}`, { key: s.mgmt, body: { name: 'v2', monthly_limit_cents: 40_000 } });
    expect(first.body.version).toBe(2);
    const second = await api(s.url, 'PUT', `/v1/policies/${id}`, { key: s.mgmt, body: { daily_limit_cents: 1_000 } });
    expect(second.body.version).toBe(3);
    expect((await api(s.url, 'GET', `/v1/policies/${id}`, { key: s.mgmt })).body.version).toBe(3);

    const r = await api(s.url, 'GET', `/v1/policies/${id}/versions`, { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ has_more: false, next_cursor: null });
    const changedBy = await keyIdOf(s.mgmt);
    expect(changedBy).toMatch(/^key_/);
    expect(r.body.data.map((v: any) => v.version)).toEqual([3, 2, 1]);
    for (const v of r.body.data) {
      expect(v).toMatchObject({ object: 'policy_version', changed_by: changedBy, created_at: expect.any(String) });
      expect(v.policy.version).toBe(v.version);
    }
    expect(r.body.data[0].policy).toEqual(second.body);
    expect(r.body.data[1].policy).toEqual(first.body);
    expect(r.body.data[2].policy).toEqual(created.body);
    expect(r.body.data[2].policy).toMatchObject({ name: 'v1', monthly_limit_cents: 50_000, daily_limit_cents: null });
  });

  it('pages by version', async () => {
    const created = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'paged' } });
    const id = created.body.id;
    for (let i = 0; i < 4; i++) await api(s.url, 'PUT', `/v1/policies/${id}`, { key: s.mgmt, body: { name: `paged ${i}` } });
    const page1 = await api(s.url, 'GET', `/v1/policies/${id}/versions?limit=2`, { key: s.mgmt });
    expect(page1.body).toMatchObject({ has_more: true, next_cursor: '4' });
    expect(page1.body.data.map((v: any) => v.version)).toEqual([5, 4]);
    const all = await listAll(s, `/v1/policies/${id}/versions`, s.mgmt, 2);
    expect(all.map((v) => v.version)).toEqual([5, 4, 3, 2, 1]);
  });

  it('records on each decision the version it was decided under', async () => {
    const ag = await freshAgent(s, { monthly_limit_cents: 50_000 }, 'versioned');
    const before = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(1_000) });
    expect(before.body.status).toBe('approved');
    await api(s.url, 'PUT', `/v1/policies/${ag.policyId}`, { key: s.mgmt, body: { monthly_limit_cents: 500 } });
    const after = await api(s.url, 'POST', '/v1/spend-requests', { key: ag.key, body: spendBody(1_000) });
    expect(after.body.status).toBe('declined');
    const rows = await s.server.db.db.selectFrom('spend_requests').select(['id', 'policy_version']).where('policy_id', '=', ag.policyId).orderBy('created_at').execute();
    expect(rows).toEqual([{ id: before.body.id, policy_version: 1 }, { id: after.body.id, policy_version: 2 }]);
  });

  it('answers 404 for a policy of no one, and 400 for a cursor that is not a version', async () => {
    expectError(await api(s.url, 'GET', '/v1/policies/pol_00000000000000000000000000/versions', { key: s.mgmt }), 404, 'not_found');
    expectError(await api(s.url, 'GET', `/v1/policies/${s.policyId}/versions?cursor=abc`, { key: s.mgmt }), 400, 'invalid_request', 'cursor');
  });
});
