import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { bursar, json } from './support.js';

/** How often `needle` occurs in `haystack`. */
const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe('bursar cards, transfers, workspaces and audit', () => {
  let s: TestServer;
  let asOperator: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    asOperator = { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt };
  });
  afterAll(() => s.close());

  it('cards create, list, freeze, unfreeze and cancel', async () => {
    const created = await bursar(['cards', 'create', '--policy', s.policyId, '--spend-limit', '5000', '--name', 'travel', '--json'], asOperator);
    expect(created.code, created.stderr).toBe(0);
    const c = json(created);
    expect(c).toMatchObject({ object: 'card', status: 'active', type: 'multi_use', policy_id: s.policyId, spend_limit_cents: 5000, name: 'travel' });
    expect(c).not.toHaveProperty('number');
    const list = json(await bursar(['cards', 'list', '--policy', s.policyId, '--json'], asOperator));
    expect(list.data.map((x: { id: string }) => x.id)).toContain(c.id);
    const human = await bursar(['cards', 'list'], asOperator);
    expect(human.stdout).toMatch(/^ID\s+STATUS\s+TYPE\s+CARD/);
    expect(human.stdout).toContain(c.last4);
    expect(json(await bursar(['cards', 'freeze', c.id, '--json'], asOperator)).status).toBe('frozen');
    expect(json(await bursar(['cards', 'list', '--status', 'frozen', '--json'], asOperator)).data.map((x: { id: string }) => x.id)).toEqual([c.id]);
    expect((await bursar(['cards', 'unfreeze', c.id], asOperator)).stdout).toMatch(new RegExp(`^${c.id}  active  visa •••• ${c.last4}  multi_use  limit 50\\.00`));
    expect(json(await bursar(['cards', 'cancel', c.id, '--json'], asOperator)).status).toBe('cancelled');
    const again = await bursar(['cards', 'freeze', c.id], asOperator);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^bursar: invalid_state: /);
    expect((await bursar(['cards', 'create', '--policy', s.policyId, '--type', 'reusable'], asOperator)).code).toBe(2);
    expect((await bursar(['cards', 'list', '--status', 'lost'], asOperator)).code).toBe(2);
    expect((await bursar(['cards', 'create'], asOperator)).code).toBe(2);
    const unknown = await bursar(['cards', 'create', '--policy', 'pol_nope'], asOperator);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/invalid_request: .*\(field policy_id\)/);
  });

  it('workspaces create shows the new keys once; list never shows them', async () => {
    const created = await bursar(['workspaces', 'create', '--name', 'Team CLI'], asOperator);
    expect(created.code, created.stderr).toBe(0);
    const mgmt = created.stdout.match(/management key: (bmk_\S+)/)?.[1];
    const spend = created.stdout.match(/spending key \(agent agt_\S+\): (bsk_\S+)/)?.[1];
    expect(mgmt).toBeDefined();
    expect(spend).toBeDefined();
    expect(count(created.stdout + created.stderr, mgmt!)).toBe(1);
    expect(count(created.stdout + created.stderr, spend!)).toBe(1);
    expect(created.stdout).toContain('not shown again');
    const wsId = created.stdout.match(/created workspace (ws_\S+)/)![1]!;
    const list = await bursar(['workspaces', 'list', '--json'], asOperator);
    expect(json(list).data.map((w: { id: string }) => w.id)).toContain(wsId);
    expect(list.stdout).not.toContain(mgmt!);
    expect((await bursar(['workspaces', 'list'], asOperator)).stdout).toMatch(/Team CLI\s+sandbox/);
    // The new workspace's own key is not the instance's root key.
    const refused = await bursar(['workspaces', 'list'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: mgmt! });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^bursar: forbidden: /);
    const asJson = json(await bursar(['workspaces', 'create', '--name', 'Team JSON', '--json'], asOperator));
    expect(asJson).toMatchObject({ object: 'workspace', name: 'Team JSON', management_key: expect.stringMatching(/^bmk_/) });
  });

  it('workspaces plan shows a plan and, with the root key, sets it; a bad name is a usage error', async () => {
    const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team plan' } });
    const shown = await bursar(['workspaces', 'plan', ws.body.id], asOperator);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toMatch(/self_hosted/);
    expect(shown.stdout).toMatch(/policies\s+unlimited\s+1/);
    const set = json(await bursar(['workspaces', 'plan', ws.body.id, 'free', '--json'], asOperator));
    expect(set).toMatchObject({ object: 'workspace_plan', plan: 'free', limits: { evaluations_per_day: 100, policies: 1, api_keys: 1 } });
    const teamKey = { BURSAR_API_URL: s.url, BURSAR_API_KEY: ws.body.management_key as string };
    expect((await bursar(['workspaces', 'plan', ws.body.id], teamKey)).stdout).toMatch(/evaluations per day\s+100\s+0/);
    const refused = await bursar(['workspaces', 'plan', ws.body.id, 'pro'], teamKey);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/^bursar: forbidden: /);
    const bad = await bursar(['workspaces', 'plan', ws.body.id, 'gold'], asOperator);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/plan must be free, pro or self_hosted/);
  });

  it('transfers create and list, with an idempotency key', async () => {
    const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team B' } });
    const args = ['transfers', 'create', '--to', ws.body.id, '--amount', '2500', '--description', 'Q3 budget', '--idempotency-key', 'cli-trf-1', '--json'];
    const t = json(await bursar(args, asOperator));
    expect(t).toMatchObject({ object: 'transfer', status: 'completed', direction: 'outgoing', amount_cents: 2500, to_workspace_id: ws.body.id });
    expect(json(await bursar(args, asOperator)).id).toBe(t.id);
    const out = json(await bursar(['transfers', 'list', '--direction', 'outgoing', '--json'], asOperator));
    expect(out.data.map((x: { id: string }) => x.id)).toEqual([t.id]);
    const theirs = await bursar(['transfers', 'list'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: ws.body.management_key });
    expect(theirs.stdout).toMatch(new RegExp(`${t.id}\\s+incoming\\s+25\\.00 USD`));
    expect((await bursar(['transfers', 'create', '--to', ws.body.id, '--amount', '0', '--description', 'x'], asOperator)).code).toBe(2);
    expect((await bursar(['transfers', 'list', '--direction', 'sideways'], asOperator)).code).toBe(2);
    const tooMuch = await bursar(['transfers', 'create', '--to', ws.body.id, '--amount', '999999999', '--description', 'all of it'], asOperator);
    expect(tooMuch.code).toBe(3);
  });

  it('audit list filters by object, action and actor', async () => {
    const c = json(await bursar(['cards', 'create', '--policy', s.policyId, '--json'], asOperator));
    await bursar(['cards', 'freeze', c.id], asOperator);
    const history = json(await bursar(['audit', 'list', '--object', c.id, '--json'], asOperator));
    expect(history.data.map((e: { action: string }) => e.action)).toEqual(['card.frozen', 'card.created']);
    const frozen = json(await bursar(['audit', 'list', '--action', 'card.frozen', '--json'], asOperator));
    expect(frozen.data.every((e: { action: string }) => e.action === 'card.frozen')).toBe(true);
    const actor = history.data[0].actor_id as string;
    expect(json(await bursar(['audit', 'list', '--actor', actor, '--limit', '5', '--json'], asOperator)).data).toHaveLength(5);
    const human = await bursar(['audit', 'list', '--object', c.id], asOperator);
    expect(human.stdout).toMatch(/^ID\s+AT\s+ACTOR\s+ACTION\s+OBJECT/);
    expect(human.stdout).toContain(`operator ${actor}  card.frozen`);
    const forbidden = await bursar(['audit', 'list'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend });
    expect(forbidden.code).toBe(3);
  });

  it.each([['cards', 'create'], ['cards', 'cancel'], ['transfers', 'create'], ['workspaces', 'create'], ['audit', 'list']])('%s %s --help shows examples and exits 0', async (...cmd) => {
    const r = await bursar([...cmd, '--help'], {});
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Examples?:/);
  });
});
