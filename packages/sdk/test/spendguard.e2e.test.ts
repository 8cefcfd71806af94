import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BursarClient, InvalidRequestApiError, PermissionError } from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';

describe('@bursar/sdk SpendGuard estimate, authorize, usage summary and prices', () => {
  let s: TestServer;
  let mgmt: BursarClient;
  let agent: BursarClient;
  beforeAll(async () => {
    s = await startTestServer();
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
  });
  afterAll(() => s.close());

  it('sets prices (management key only) and estimates token, tool and payment costs from them', async () => {
    const model = await mgmt.prices.set({ kind: 'model', name: 'sdk-model', currency: 'USD', merchant_name: 'OpenAI', input_per_million_cents: 250, output_per_million_cents: 1000 });
    expect(model).toMatchObject({ object: 'price', kind: 'model', name: 'sdk-model', currency: 'usd', merchant_name: 'OpenAI', per_call_cents: null });
    expect((await mgmt.prices.set({ kind: 'model', name: 'sdk-model', currency: 'usd', merchant_name: 'OpenAI', input_per_million_cents: 300 })).id).toBe(model.id);
    await mgmt.prices.set({ kind: 'tool', name: 'sdk-search', currency: 'usd', per_call_cents: 0.5 });
    await expect(agent.prices.set({ kind: 'tool', name: 'sdk-search', currency: 'usd', per_call_cents: 0 })).rejects.toBeInstanceOf(PermissionError);
    await expect(mgmt.prices.set({ kind: 'tool', name: 'no-rate', currency: 'usd' })).rejects.toMatchObject({ status: 400, field: 'per_call_cents' });
    const prices = await agent.prices.list();
    expect(prices).toMatchObject({ has_more: false, next_cursor: null });
    expect(prices.data.map((p) => [p.name, p.input_per_million_cents, p.per_call_cents])).toEqual(
      expect.arrayContaining([['sdk-model', 300, null], ['sdk-search', null, 0.5]]),
    );

    // 300 cents for a million input tokens, no output rate any more → 300 cents.
    const tokens = await agent.spendGuard.estimate({ kind: 'token', model: 'sdk-model', input_tokens: 1_000_000 });
    expect(tokens).toMatchObject({ object: 'estimate', kind: 'token', estimated_cost_cents: 300, currency: 'usd', merchant_name: 'OpenAI', decision: 'allow', agent_id: s.agentId });
    expect(tokens.breakdown.length).toBeGreaterThan(0);
    const tool = await agent.spendGuard.estimate({ kind: 'tool', tool: 'sdk-search', calls: 3 });
    expect(tool).toMatchObject({ kind: 'tool', estimated_cost_cents: 2, decision: 'allow' });
    const pay = await mgmt.spendGuard.estimate({ kind: 'payment', amount_cents: 1234, currency: 'usd', merchant_name: 'AWS', agent_id: s.agentId });
    expect(pay).toMatchObject({ kind: 'payment', estimated_cost_cents: 1234, decision: 'allow' });
    await expect(agent.spendGuard.estimate({ kind: 'token', model: 'sdk-model', input_tokens: -1 })).rejects.toBeInstanceOf(InvalidRequestApiError);
  });

  it('authorizes without holding or recording anything', async () => {
    const before = await agent.getBalance();
    // The provisioned policy: approval over 250.00, 500.00 a month.
    expect(await agent.spendGuard.authorize({ amount_cents: 1000, currency: 'usd', merchant_name: 'AWS' })).toMatchObject({
      object: 'authorization_decision', decision: 'allow', reasons: [], agent_id: s.agentId, lease_id: null, budget_period: 'monthly',
    });
    const big = await mgmt.spendGuard.authorize({ amount_cents: 30_000, currency: 'usd', merchant_name: 'AWS', agent_id: s.agentId });
    expect(big).toMatchObject({ decision: 'approval_required', reasons: [{ code: 'requires_approval' }] });
    expect(await agent.getBalance()).toEqual(before);
  });

  it('summarizes usage by type, agent and day; a spending key sees its own agent', async () => {
    await agent.reservations.create({ amount_cents: 400, currency: 'usd', merchant_name: 'OpenAI' });
    const to = new Date(Date.now() + 60_000).toISOString();
    const summary = await mgmt.spendGuard.usageSummary({ agent_id: s.agentId, to });
    expect(summary).toMatchObject({ object: 'usage_summary', to: expect.any(String) });
    expect(summary.by_type).toEqual(expect.arrayContaining([{ type: 'reservation.reserved', count: 1, amount_cents: 400 }]));
    expect(summary.by_agent.map((a) => a.agent_id)).toEqual([s.agentId]);
    expect((await agent.spendGuard.usageSummary({ to })).totals).toEqual(summary.totals);
    await expect(mgmt.spendGuard.usageSummary({ from: 'yesterday' })).rejects.toMatchObject({ status: 400, field: 'from' });
  });
});
