import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '@bursar/core';
import {
  AuthenticationError, BursarApiError, BursarClient, ConflictError, FundingError, InvalidRequestApiError, NotFoundApiError,
  PermissionError, RateLimitError, verifyWebhook, WaitTimeoutError,
} from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { startFaultProxy, type Fault, type FaultProxy } from './helpers/fault-proxy.js';

const spend = (amount: number, extra: Record<string, unknown> = {}) => ({ amount_cents: amount, currency: 'usd', merchant_name: 'AWS', reason: 'sdk test', ...extra });
const fast = { baseDelayMs: 10, maxDelayMs: 50 };

describe('@bursar/sdk against a running server', () => {
  let s: TestServer;
  let mgmt: BursarClient;
  let agent: BursarClient;
  const proxies: FaultProxy[] = [];
  const proxy = async (decide: (req: { method: string; path: string }, i: number) => Fault) => {
    const p = await startFaultProxy(s.url, decide);
    proxies.push(p);
    return p;
  };
  beforeAll(async () => {
    s = await startTestServer();
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
  });
  afterAll(async () => {
    for (const p of proxies) await p.close();
    await s.close();
  });

  it('reuses one idempotency key when the first response is lost, and spends once', async () => {
    let dropped = false;
    const p = await proxy((req) => {
      if (req.method === 'POST' && req.path === '/v1/spend-requests' && !dropped) {
        dropped = true;
        return 'drop-response';
      }
      return 'forward';
    });
    const client = new BursarClient({ apiKey: s.spend, baseUrl: p.url, retry: fast });
    const created = await client.createSpend(spend(777, { merchant_name: 'Lost Response Inc' }));
    const posts = p.seen.filter((x) => x.method === 'POST');
    expect(posts).toHaveLength(2);
    const keys = posts.map((x) => x.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    const list = await mgmt.listSpend({ merchant: 'Lost Response Inc' });
    expect(list.data.map((x) => x.id)).toEqual([created.id]);
    expect(created.status).toBe('approved');
  });

  it('uses the caller\'s idempotency key and replays the stored answer', async () => {
    const a = await agent.createSpend(spend(100), { idempotencyKey: 'intent-42' });
    const b = await agent.createSpend(spend(100), { idempotencyKey: 'intent-42' });
    expect(b.id).toBe(a.id);
    const reused = await agent.createSpend(spend(101), { idempotencyKey: 'intent-42' }).catch((e: unknown) => e);
    expect(reused).toBeInstanceOf(ConflictError);
    expect(reused).toMatchObject({ code: 'idempotency_key_reused', status: 422 });
  });

  it('waits out a 429 for its Retry-After, then succeeds', async () => {
    const p = await proxy((_req, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' }, body: { error: { code: 'rate_limited', message: 'Rate limit exceeded' } } } : 'forward'));
    const client = new BursarClient({ apiKey: s.spend, baseUrl: p.url, retry: fast });
    const started = Date.now();
    const b = await client.getBalance();
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(b.object).toBe('balance');
    expect(p.seen).toHaveLength(2);
  });

  it('gives up on a 429 after its retries with a RateLimitError carrying retryAfterSeconds', async () => {
    const p = await proxy(() => ({ status: 429, headers: { 'retry-after': '0' }, body: { error: { code: 'rate_limited', message: 'Rate limit exceeded', request_id: 'rid_x' } } }));
    const client = new BursarClient({ apiKey: s.spend, baseUrl: p.url, retry: { ...fast, maxRetries: 2 } });
    const err = await client.getBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    expect(err).toMatchObject({ code: 'rate_limited', status: 429, retryAfterSeconds: 0, requestId: 'rid_x' });
    expect(p.seen).toHaveLength(3);
  });

  it('retries 5xx with backoff and keeps the POST idempotency key', async () => {
    const p = await proxy((req, i) => (i < 2 ? { status: 503, body: { error: { code: 'service_unavailable', message: 'busy' } } } : 'forward'));
    const client = new BursarClient({ apiKey: s.spend, baseUrl: p.url, retry: fast });
    const r = await client.createSpend(spend(150));
    expect(r.status).toBe('approved');
    expect(p.seen).toHaveLength(3);
    expect(new Set(p.seen.map((x) => x.headers['idempotency-key'])).size).toBe(1);
  });

  it('retries network errors and surfaces network_error when the server stays down', async () => {
    const client = new BursarClient({ apiKey: s.spend, baseUrl: 'http://127.0.0.1:1', retry: { ...fast, maxRetries: 1 } });
    const err = await client.getBalance().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BursarApiError);
    expect(err).toMatchObject({ code: 'network_error', status: 0 });
  });

  it.each([
    ['400 invalid_request', 400, 'invalid_request', InvalidRequestApiError, (c: BursarClient) => c.createSpend(spend(-5))],
    ['401 invalid_api_key', 401, 'invalid_api_key', AuthenticationError, (c: BursarClient) => c.getBalance()],
    ['403 forbidden', 403, 'forbidden', PermissionError, (c: BursarClient) => c.wallets.list()],
    ['404 not_found', 404, 'not_found', NotFoundApiError, (c: BursarClient) => c.getSpend('req_doesnotexist')],
  ] as const)('never retries %s and throws a typed error', async (_name, status, code, cls, call) => {
    const p = await proxy(() => 'forward');
    const client = new BursarClient({ apiKey: status === 401 ? 'bsk_test_nope' : s.spend, baseUrl: p.url, retry: fast });
    const err = await call(client).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(cls);
    expect(err).toMatchObject({ status, code });
    expect((err as BursarApiError).requestId).toMatch(/^rid_/);
    expect(p.seen).toHaveLength(1);
  });

  it('never retries a 402 and exposes the declined spend request', async () => {
    const w = (await mgmt.wallets.list()).data[0]!;
    let count = 0;
    const p = await proxy(() => {
      count++;
      return 'forward';
    });
    const client = new BursarClient({ apiKey: s.spend, baseUrl: p.url, retry: fast });
    // The default policy approves up to $250 and the wallet holds $1,000 minus the tests' spends:
    // drain it first so a small request cannot be covered.
    const big = await mgmt.wallets.get(w.id);
    expect(big.available_cents).toBeGreaterThan(0);
    const drainPolicy = await mgmt.policies.update(s.policyId, { require_approval_over_cents: null, monthly_limit_cents: null });
    expect(drainPolicy.require_approval_over_cents).toBeNull();
    const err = await client.createSpend(spend(big.available_cents + 1)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FundingError);
    expect(err).toMatchObject({ status: 402, code: 'funding_source_budget_exceeded' });
    expect((err as BursarApiError).body.spend_request).toMatchObject({ status: 'declined' });
    expect(count).toBe(1);
    await mgmt.policies.update(s.policyId, { require_approval_over_cents: 25_000, monthly_limit_cents: 50_000 });
  });

  it('waitForDecision returns once a human approves, and times out with WaitTimeoutError', async () => {
    const pending = await agent.createSpend(spend(30_000, { merchant_name: 'OpenAI' }));
    expect(pending.status).toBe('needs_approval');
    expect(pending.approval_url).toContain(pending.id);
    const timedOut = await agent.waitForDecision(pending.id, { timeoutMs: 150, intervalMs: 50 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(WaitTimeoutError);
    setTimeout(() => void mgmt.approvals.approve(pending.approval_id!, { note: 'ok', override_budget: true }), 300);
    const decided = await agent.waitForDecision(pending.id, { timeoutMs: 10_000, intervalMs: 100 });
    expect(decided.status).toBe('approved');
    const cancelled = await agent.cancelSpend(decided.id);
    expect(cancelled.status).toBe('cancelled');
  });

  it('covers the management endpoints', async () => {
    const wallets = await mgmt.wallets.list();
    const wallet = wallets.data[0]!;
    expect((await mgmt.wallets.get(wallet.id)).id).toBe(wallet.id);
    expect((await mgmt.wallets.balance(wallet.id)).object).toBe('wallet_balance');
    const funded = await mgmt.wallets.fund(wallet.id, { amount_cents: 100_000 });
    expect(funded.ledger_transaction_id).toMatch(/^txn_/);
    const policy = await mgmt.policies.create({ name: 'SDK policy', currency: 'usd', monthly_limit_cents: 10_000 });
    expect((await mgmt.policies.get(policy.id)).name).toBe('SDK policy');
    expect((await mgmt.policies.list()).data.length).toBeGreaterThanOrEqual(2);
    const a = await mgmt.agents.create({ name: 'sdk-agent', policy_id: policy.id });
    expect((await mgmt.agents.pause(a.id)).status).toBe('paused');
    expect((await mgmt.agents.resume(a.id)).status).toBe('active');
    expect((await mgmt.agents.get(a.id)).name).toBe('sdk-agent');
    const key = await mgmt.apiKeys.create({ agent_id: a.id, name: 'sdk key' });
    expect(key.key).toMatch(/^bsk_/);
    expect((await mgmt.apiKeys.list({ agent_id: a.id })).data.map((k) => k.id)).toContain(key.id);
    const newAgent = new BursarClient({ apiKey: key.key, baseUrl: s.url });
    const done = await newAgent.createSpend(spend(500));
    expect((await newAgent.completeSpend(done.id, { amount_cents: 400 })).captured_amount_cents).toBe(400);
    const failed = await newAgent.failSpend((await newAgent.createSpend(spend(100))).id);
    expect(failed.status).toBe('failed');
    expect((await mgmt.apiKeys.revoke(key.id)).revoked_at).not.toBeNull();
    expect(await newAgent.getBalance().catch((e: unknown) => (e as BursarApiError).code)).toBe('revoked_api_key');
    expect((await mgmt.agents.revoke(a.id)).status).toBe('revoked');
    expect((await mgmt.agents.list()).data.length).toBeGreaterThanOrEqual(2);
    expect((await mgmt.getBalance({ agent_id: s.agentId })).agent_id).toBe(s.agentId);
    expect((await mgmt.approvals.list({ status: 'approved' })).data.length).toBeGreaterThanOrEqual(1);
    const tx = await mgmt.ledger.transactions({ limit: 5 });
    expect(tx.data.length).toBe(5);
    const all: string[] = [];
    for await (const t of mgmt.paginate((q) => mgmt.ledger.transactions(q), { limit: 3 })) all.push(t.id);
    expect(all.length).toBeGreaterThan(5);
    expect(new Set(all).size).toBe(all.length);
    expect((await mgmt.ledger.verify()).ok).toBe(true);
    const hook = await mgmt.webhooks.create({ url: 'http://127.0.0.1:9/hook', events: ['spend_request.*'] });
    expect(hook.secret).toMatch(/^whsec_/);
    expect((await mgmt.webhooks.get(hook.id)).url).toBe('http://127.0.0.1:9/hook');
    expect((await mgmt.webhooks.update(hook.id, { description: 'sdk' })).description).toBe('sdk');
    expect((await mgmt.webhooks.list()).data.map((h) => h.id)).toContain(hook.id);
    expect((await mgmt.webhooks.deliveries(hook.id)).data).toEqual(expect.any(Array));
    expect((await mgmt.webhooks.rotateSecret(hook.id)).secret).toMatch(/^whsec_/);
    expect((await mgmt.webhooks.delete(hook.id)).deleted).toBe(true);
    const events = await mgmt.events.list({ type: 'spend_request.approved' });
    expect(events.data.length).toBeGreaterThan(0);
    expect((await mgmt.events.get(events.data[0]!.id)).type).toBe('spend_request.approved');
    expect((await mgmt.rotateCallbackSecret()).secret).toMatch(/^whsec_/);
    // The key never shows in the client's JSON form.
    expect(JSON.stringify(mgmt)).not.toContain(s.mgmt);
  });

  it('re-exports verifyWebhook', () => {
    const secret = 'whsec_' + Buffer.from('0123456789abcdef0123456789abcdef').toString('base64');
    const body = JSON.stringify({ id: 'evt_1', type: 'spend_request.approved', created_at: '', livemode: false, data: { object: {} } });
    const ts = Math.floor(Date.now() / 1000);
    const ev = verifyWebhook(secret, body, { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': signWebhook(secret, 'evt_1', ts, body) });
    expect(ev.id).toBe('evt_1');
    expect(() => verifyWebhook(secret, body, { 'webhook-id': 'evt_1', 'webhook-timestamp': String(ts), 'webhook-signature': 'v1,AAAA' })).toThrow();
  });
});
