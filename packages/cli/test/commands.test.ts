import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { bursar, json } from './support.js';

describe('bursar API commands (--json)', () => {
  let s: TestServer;
  let asOperator: Record<string, string>;
  let asAgent: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    asOperator = { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt };
    asAgent = { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend };
  });
  afterAll(() => s.close());

  it('spend create, get and list', async () => {
    const created = await bursar(['spend', 'create', '--amount', '1200', '--merchant', 'AWS', '--reason', 'GPU runtime', '--idempotency-key', 'cli-intent-1', '--json'], asAgent);
    expect(created.code).toBe(0);
    const s1 = json(created);
    expect(s1).toMatchObject({ object: 'spend_request', status: 'approved', amount_cents: 1200, merchant_name: 'AWS' });
    // The same idempotency key is the same intent: the same request comes back.
    const again = await bursar(['spend', 'create', '--amount', '1200', '--merchant', 'AWS', '--reason', 'GPU runtime', '--idempotency-key', 'cli-intent-1', '--json'], asAgent);
    expect(json(again).id).toBe(s1.id);
    const got = await bursar(['spend', 'get', s1.id, '--json'], asAgent);
    expect(json(got).id).toBe(s1.id);
    const human = await bursar(['spend', 'get', s1.id], asAgent);
    expect(human.stdout).toMatch(new RegExp(`^${s1.id}  approved  12\\.00 USD to AWS`));
    const list = await bursar(['spend', 'list', '--status', 'approved', '--json'], asOperator);
    expect(json(list).data.map((x: { id: string }) => x.id)).toContain(s1.id);
    expect((await bursar(['spend', 'list'], asOperator)).stdout).toMatch(/^ID\s+STATUS\s+AMOUNT/);
  });

  it('approvals list, approve and decline (by approval or spend request id)', async () => {
    const a = json(await bursar(['spend', 'create', '--amount', '30000', '--merchant', 'OpenAI', '--reason', 'credits', '--json'], asAgent));
    const b = json(await bursar(['spend', 'create', '--amount', '26000', '--merchant', 'Vercel', '--reason', 'hosting', '--json'], asAgent));
    expect(a.status).toBe('needs_approval');
    const human = await bursar(['spend', 'get', a.id], asAgent);
    expect(human.stdout).toContain(`a human must decide: ${a.approval_url}`);
    const pending = json(await bursar(['approvals', 'list', '--json'], asOperator));
    expect(pending.data.map((x: { spend_request_id: string }) => x.spend_request_id).sort()).toEqual([a.id, b.id].sort());
    const approved = await bursar(['approvals', 'approve', a.approval_id, '--note', 'ok', '--json'], asOperator);
    expect(approved.code).toBe(0);
    expect(json(approved)).toMatchObject({ status: 'approved', note: 'ok' });
    const declined = await bursar(['approvals', 'decline', b.id, '--json'], asOperator);
    expect(json(declined)).toMatchObject({ status: 'declined', spend_request_id: b.id });
    expect(json(await bursar(['spend', 'get', a.id, '--wait', '--json'], asAgent)).status).toBe('approved');
    const again = await bursar(['approvals', 'approve', a.approval_id], asOperator);
    expect(again.code).toBe(3);
    expect(again.stderr).toMatch(/^bursar: invalid_state: /);
  });

  it('balance for an agent, and for a management key with --agent', async () => {
    const b = json(await bursar(['balance', '--json'], asAgent));
    expect(b).toMatchObject({ object: 'balance', agent_id: s.agentId, currency: 'usd' });
    expect((await bursar(['balance', '--agent', s.agentId, '--json'], asOperator)).code).toBe(0);
    const human = await bursar(['balance'], asAgent);
    expect(human.stdout).toMatch(/available/);
    const missing = await bursar(['balance'], asOperator);
    expect(missing.code).toBe(3);
    expect(missing.stderr).toMatch(/invalid_request: .*agent_id/);
  });

  it('keys create, list and revoke', async () => {
    const created = json(await bursar(['keys', 'create', '--agent', s.agentId, '--name', 'cli key', '--json'], asOperator));
    expect(created.key).toMatch(/^bsk_/);
    const list = json(await bursar(['keys', 'list', '--agent', s.agentId, '--json'], asOperator));
    expect(list.data.map((k: { id: string }) => k.id)).toContain(created.id);
    expect(JSON.stringify(list)).not.toContain(created.key);
    const revoked = json(await bursar(['keys', 'revoke', created.id, '--json'], asOperator));
    expect(revoked.revoked_at).not.toBeNull();
    const refused = await bursar(['balance'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: created.key });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/revoked_api_key/);
    const mgmtKey = json(await bursar(['keys', 'create', '--management', '--json'], asOperator));
    expect(mgmtKey.key).toMatch(/^bmk_/);
    expect((await bursar(['keys', 'create'], asOperator)).code).toBe(2);
  });

  it('webhooks list and deliveries', async () => {
    const hook = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
    const list = json(await bursar(['webhooks', 'list', '--json'], asOperator));
    expect(list.data.map((w: { id: string }) => w.id)).toContain(hook.body.id);
    expect(JSON.stringify(list)).not.toContain('whsec_');
    const deliveries = await bursar(['webhooks', 'deliveries', hook.body.id, '--json'], asOperator);
    expect(deliveries.code).toBe(0);
    expect(json(deliveries).data).toEqual(expect.any(Array));
    const unknown = await bursar(['webhooks', 'deliveries', 'whk_nope'], asOperator);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/not_found/);
  });

  it('exit codes: 2 for usage and a missing key, 3 for a spending key on a management command', async () => {
    expect((await bursar(['spend', 'create', '--amount', '5'], asAgent)).code).toBe(2);
    expect((await bursar(['spend', 'create', '--amount', 'ten', '--merchant', 'x', '--reason', 'y'], asAgent)).code).toBe(2);
    expect((await bursar(['spend', 'list'], { BURSAR_API_URL: s.url })).code).toBe(2);
    expect((await bursar(['no-such-command'], asAgent)).code).toBe(2);
    const forbidden = await bursar(['approvals', 'list'], asAgent);
    expect(forbidden.code).toBe(3);
    expect(forbidden.stderr).toMatch(/^bursar: forbidden: /);
  });

  it.each([['keys', 'create'], ['spend', 'create'], ['spend', 'list'], ['approvals', 'approve'], ['balance'], ['webhooks', 'deliveries'], ['mcp'], ['ledger', 'verify']])(
    '%s %s --help shows examples and exits 0',
    async (...cmd) => {
      const r = await bursar([...cmd.filter(Boolean), '--help'], {});
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Examples?:/);
    },
  );
});
