import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { eventsOf, expectError, expectNoStateChange } from './support.js';

/** Plans set through the API: the root key puts a team's workspace on a plan; the team reads it in both dialects. */
describe('workspace plans', () => {
  let s: TestServer;
  let team: { id: string; key: string };
  beforeAll(async () => {
    s = await startTestServer();
    const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team on a plan' } });
    team = { id: ws.body.id, key: ws.body.management_key };
  });
  afterAll(() => s.close());

  const planOf = (key: string, id = team.id) => api(s.url, 'GET', `/v1/workspaces/${id}/plan`, { key });
  const setPlan = (plan: unknown, key = s.mgmt, id = team.id) => api(s.url, 'PUT', `/v1/workspaces/${id}/plan`, { key, body: { plan } });

  it('a workspace starts self-hosted: no quota, its usage counted', async () => {
    const r = await planOf(s.mgmt);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      id: team.id,
      object: 'workspace_plan',
      workspace_id: team.id,
      plan: 'self_hosted',
      limits: { evaluations_per_day: null, policies: null, api_keys: null },
      usage: { evaluations_today: 0, policies: 1, api_keys: 1 },
      updated_at: null,
    });
  });

  it('the root key sets the plan: audited, an event in that workspace, and the quota applies from the next request', async () => {
    const r = await setPlan('free');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ plan: 'free', limits: { evaluations_per_day: 100, policies: 1, api_keys: 1 }, usage: { policies: 1, api_keys: 1 }, updated_at: expect.any(String) });
    expect((await planOf(team.key)).body).toEqual(r.body);

    const events = await eventsOf(s, team.id);
    expect(events.filter((e) => e.type === 'workspace.plan_updated').map((e) => e.object.plan)).toEqual(['free']);
    const audit = await s.server.db.db.selectFrom('audit_log').selectAll().where('object_id', '=', team.id).where('action', '=', 'workspace.plan_updated').execute();
    expect(audit.map((a) => [JSON.parse(a.before!).plan, JSON.parse(a.after!).plan])).toEqual([['self_hosted', 'free']]);

    // The free plan allows one policy: the team has it already.
    const second = await api(s.url, 'POST', '/v1/policies', { key: team.key, body: { name: 'second' } });
    expectError(second, 402, 'plan_spend_volume_exceeded');
    expect((await setPlan('pro')).body.plan).toBe('pro');
    expect((await api(s.url, 'POST', '/v1/policies', { key: team.key, body: { name: 'second' } })).status).toBe(201);
  });

  it('/api/v1/plan answers with the reference plans table fields', async () => {
    await setPlan('free');
    const r = await api(s.url, 'GET', '/api/v1/plan', { headers: { 'x-api-key': team.key } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ plan: 'free', limits: { evaluationsPerDay: 100, policies: 1, apiKeys: 1 }, usage: { evaluationsToday: 0, policies: 2, apiKeys: 1 } });
  });

  it("a team's management key reads only its own plan and sets none", async () => {
    expectError(await expectNoStateChange(s, () => setPlan('pro', team.key)), 403, 'forbidden');
    const root = (await api(s.url, 'GET', '/v1/workspaces', { key: s.mgmt })).body.data.find((w: { id: string }) => w.id !== team.id).id;
    expectError(await planOf(team.key, root), 404, 'not_found');
    expectError(await api(s.url, 'GET', `/v1/workspaces/${team.id}/plan`, { key: s.spend }), 403, 'forbidden');
  });

  it('a bad plan or an unknown workspace changes nothing', async () => {
    expectError(await expectNoStateChange(s, () => setPlan('gold')), 400, 'invalid_request', 'plan');
    expectError(await expectNoStateChange(s, () => setPlan(undefined)), 400, 'invalid_request', 'plan');
    expectError(await expectNoStateChange(s, () => setPlan('pro', s.mgmt, 'ws_nope')), 404, 'not_found');
  });
});
