import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentUnder, evaluation, v1 } from '../helpers/api-v1.js';
import { api, startTestServer, type TestServer } from '../helpers/server.js';

describe('/api/v1 spend evaluation', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('allows within policy: OK with a SAT that verifies with jose against the JWKS', async () => {
    const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { amountMinor: 1234, merchant: 'OpenAI Inc' }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ decision: 'ALLOW', decisionReason: 'OK', spendRequestId: expect.stringMatching(/^req_/), sat: expect.any(String) });
    const jwks = createRemoteJWKSet(new URL(`${s.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(r.body.sat, jwks, { issuer: 'bursar', algorithms: ['EdDSA'] });
    expect(protectedHeader).toMatchObject({ alg: 'EdDSA', kid: expect.any(String) });
    expect(payload).toMatchObject({
      sub: s.agentId, spend_request_id: r.body.spendRequestId, amount_cents: 1234, currency: 'usd', merchant_normalized: 'openai',
      category: 'api', executionMode: 'sdk', paymentHandleId: null, token_use: 'authorization', jti: expect.any(String),
    });
  });

  // Every reason code of the reference, each reached through HTTP with a policy written in the reference's fields.
  const denials: Array<{ reason: string; policy: Record<string, unknown>; ask?: Record<string, unknown>; decision?: string }> = [
    { reason: 'BLOCKED_MERCHANT', policy: { blockedMerchants: ['evil.com'] }, ask: { merchant: 'EVIL INC' } },
    { reason: 'EXCEEDS_SINGLE_LIMIT', policy: { maxSingleAmount: 1000 }, ask: { amountMinor: 1001 } },
    { reason: 'EXCEEDS_DAILY_LIMIT', policy: { dailyLimit: 1000 }, ask: { amountMinor: 1500 } },
    { reason: 'EXCEEDS_MONTHLY_LIMIT', policy: { monthlyLimit: 1000 }, ask: { amountMinor: 1500 } },
    { reason: 'NO_ACTIVE_POLICY', policy: { isActive: false } },
    { reason: 'BLOCKED_CATEGORY', policy: { blockedCategories: ['gambling'] }, ask: { category: 'Gambling' } },
    { reason: 'MERCHANT_NOT_ALLOWED', policy: { allowedMerchants: ['openai.com'] }, ask: { merchant: 'aws.amazon.com' } },
    { reason: 'CATEGORY_NOT_ALLOWED', policy: { allowedCategories: ['api'] }, ask: { category: 'food' } },
    { reason: 'REQUIRES_APPROVAL', policy: { requireApprovalOver: 1000 }, ask: { amountMinor: 2000 }, decision: 'REQUIRE_APPROVAL' },
  ];
  it.each(denials)('$reason', async ({ reason, policy, ask, decision }) => {
    const { agentId } = await agentUnder(s, policy, `agent-${reason}`);
    const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId, ask));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toEqual({ decision: decision ?? 'DENY', decisionReason: reason, spendRequestId: expect.stringMatching(/^req_/) });
  });

  it.each([
    ['VELOCITY_LIMIT_MINUTE', { maxTransactionsPerMinute: 1 }],
    ['VELOCITY_LIMIT_HOUR', { maxTransactionsPerHour: 1 }],
  ])('%s after the first request', async (reason, policy) => {
    const { agentId } = await agentUnder(s, policy, `agent-${reason}`);
    const first = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId));
    expect(first.body.decisionReason).toBe('OK');
    const second = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId));
    expect(second.body).toMatchObject({ decision: 'DENY', decisionReason: reason });
  });

  it('a paused agent has no active policy', async () => {
    const { agentId } = await agentUnder(s, {}, 'to-pause');
    expect((await api(s.url, 'POST', `/v1/agents/${agentId}/pause`, { key: s.mgmt })).status).toBe(200);
    const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId));
    expect(r.body).toMatchObject({ decision: 'DENY', decisionReason: 'NO_ACTIVE_POLICY' });
    const native = await api(s.url, 'GET', `/v1/spend-requests/${r.body.spendRequestId}`, { key: s.mgmt });
    expect(native.body.decision_code).toBe('agent_paused');
  });

  it('is the same spend request in both dialects, both ways', async () => {
    const ev = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { amountMinor: 777, metadata: { run: 7 } }));
    const native = await api(s.url, 'GET', `/v1/spend-requests/${ev.body.spendRequestId}`, { key: s.spend });
    expect(native.status).toBe(200);
    expect(native.body).toMatchObject({
      id: ev.body.spendRequestId, status: 'approved', amount_cents: 777, currency: 'usd', merchant_name: 'openai.com',
      agent_id: s.agentId, authorization_token: ev.body.sat, metadata: { run: 7 },
    });
    const created = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: { amount_cents: 30_000, currency: 'usd', merchant_name: 'AWS', reason: 'GPU' } });
    expect(created.body.status).toBe('needs_approval');
    const seen = await v1(s, 'GET', `/spend-requests/${created.body.id}`, s.mgmt);
    expect(seen.status).toBe(200);
    expect(seen.body).toMatchObject({
      id: created.body.id, decision: 'REQUIRE_APPROVAL', decisionReason: 'REQUIRES_APPROVAL', status: 'needs_approval',
      amountMinor: 30_000, unit: 'USD', merchant: 'AWS', sat: null,
      approval: { id: created.body.approval_id, status: 'PENDING', decidedAt: null, note: null },
    });
    // The agent's own key reads it too.
    expect((await v1(s, 'GET', `/spend-requests/${created.body.id}`, s.spend)).status).toBe(200);
  });

  it('resolves approvals: APPROVED issues a SAT, REJECTED declines', async () => {
    const { agentId } = await agentUnder(s, { requireApprovalOver: 100 }, 'approvals');
    const a = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId, { amountMinor: 200 }));
    const b = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(agentId, { amountMinor: 300 }));
    const approvalOf = async (id: string) => (await v1(s, 'GET', `/spend-requests/${id}`, s.mgmt)).body.approval.id as string;
    const ok = await v1(s, 'POST', `/approvals/${await approvalOf(a.body.spendRequestId)}/resolve`, s.mgmt, { status: 'APPROVED', note: 'Looks good, proceed.' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ status: 'APPROVED', note: 'Looks good, proceed.', decidedAt: expect.any(String), spendRequestId: a.body.spendRequestId, sat: expect.any(String) });
    const after = await v1(s, 'GET', `/spend-requests/${a.body.spendRequestId}`, s.mgmt);
    expect(after.body).toMatchObject({ decision: 'REQUIRE_APPROVAL', status: 'approved', sat: ok.body.sat, approval: { status: 'APPROVED', note: 'Looks good, proceed.' } });
    const no = await v1(s, 'POST', `/approvals/${await approvalOf(b.body.spendRequestId)}/resolve`, s.mgmt, { status: 'REJECTED' });
    expect(no.body).toMatchObject({ status: 'REJECTED', sat: null });
    expect((await api(s.url, 'GET', `/v1/spend-requests/${b.body.spendRequestId}`, { key: s.mgmt })).body.status).toBe('declined');
  });

  it('registers an unknown agent name under the default policy, once, and reuses it', async () => {
    const first = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation('research-bot'));
    const second = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation('research-bot'));
    const [x, y] = await Promise.all(
      [first, second].map((r) => api(s.url, 'GET', `/v1/spend-requests/${r.body.spendRequestId}`, { key: s.mgmt })),
    );
    expect(x!.body.agent_id).toBe(y!.body.agent_id);
    expect(x!.body.policy_id).toBe(s.policyId);
    const agents = await api(s.url, 'GET', `/v1/agents?policy_id=${s.policyId}&limit=100`, { key: s.mgmt });
    expect(agents.body.data.filter((a: { name: string }) => a.name === 'research-bot')).toHaveLength(1);
    // A spending key evaluates under its own agent's name too.
    const own = await v1(s, 'POST', '/spend/evaluate', s.spend, evaluation('default-agent'));
    expect(own.body.decision).toBe('ALLOW');
  });

  it('idempotencyKey replays the first answer and records one request', async () => {
    const body = evaluation(s.agentId, { amountMinor: 4321, idempotencyKey: 'abc123' });
    const a = await v1(s, 'POST', '/spend/evaluate', s.mgmt, body);
    const b = await v1(s, 'POST', '/spend/evaluate', s.mgmt, body);
    expect(b.body).toEqual(a.body);
    expect(b.headers.get('idempotent-replayed')).toBe('true');
    const list = await api(s.url, 'GET', `/v1/spend-requests?agent_id=${s.agentId}&limit=100`, { key: s.mgmt });
    expect(list.body.data.filter((r: { amount_cents: number }) => r.amount_cents === 4321)).toHaveLength(1);
  });

  it('callbackUrl becomes the request\'s callback_url', async () => {
    const r = await v1(s, 'POST', '/spend/evaluate', s.mgmt, evaluation(s.agentId, { callbackUrl: 'http://127.0.0.1:9/hook' }));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const native = await api(s.url, 'GET', `/v1/spend-requests/${r.body.spendRequestId}`, { key: s.mgmt });
    expect(native.body.callback_url).toBe('http://127.0.0.1:9/hook');
  });

  it('policies and api keys in the reference fields', async () => {
    const list = await v1(s, 'GET', '/policies', s.mgmt);
    expect(Array.isArray(list.body)).toBe(true);
    expect(list.body.find((p: { id: string }) => p.id === s.policyId)).toMatchObject({
      name: 'Default policy', monthlyLimit: 50_000, requireApprovalOver: 25_000, unit: 'USD', isActive: true, blockedMerchants: [],
    });
    const created = await v1(s, 'POST', '/api-keys', s.mgmt, { name: 'ci' });
    expect(created.status).toBe(201);
    expect(created.body.plaintext.startsWith(created.body.keyPrefix)).toBe(true);
    const keys = await v1(s, 'GET', '/api-keys', created.body.plaintext);
    expect(keys.status).toBe(200);
    const item = keys.body.find((k: { id: string }) => k.id === created.body.id);
    expect(item).toMatchObject({ keyPrefix: created.body.keyPrefix, type: 'management' });
    expect(JSON.stringify(keys.body)).not.toContain(created.body.plaintext);
  });
});
