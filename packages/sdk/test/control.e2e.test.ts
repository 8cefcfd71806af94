import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BursarClient, ConflictError, InvalidRequestApiError, NotFoundApiError } from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';

describe('@bursar/sdk mandates, payments, reservations and budget leases', () => {
  let s: TestServer;
  let mgmt: BursarClient;
  let agent: BursarClient;
  beforeAll(async () => {
    s = await startTestServer();
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
  });
  afterAll(() => s.close());

  it('creates a mandate, pays under it with an execution token, edits its scope and revokes it', async () => {
    const mandate = await mgmt.mandates.create({ agent_id: s.agentId, description: 'sdk invoices', currency: 'usd', max_amount_cents: 5000 });
    expect(mandate).toMatchObject({ object: 'mandate', status: 'active', spent_cents: 0, allowed_merchants: [] });
    expect((await mgmt.mandates.list({ agent_id: s.agentId, status: 'active' })).data.map((m) => m.id)).toContain(mandate.id);

    const token = await mgmt.agents.createExecutionToken(s.agentId, { mandate_id: mandate.id, action: 'payment.create', audience: 'bursar:payments' });
    expect(token).toMatchObject({ object: 'execution_token', agent_id: s.agentId, mandate_id: mandate.id });
    const payer = new BursarClient({ apiKey: token.token, baseUrl: s.url });
    const paid = await payer.payments.create({ amount_cents: 2500, currency: 'usd', merchant_name: 'AWS', description: 'invoice 7' });
    expect(paid).toMatchObject({ object: 'payment', status: 'succeeded', mandate_id: mandate.id, agent_id: s.agentId });
    expect(await mgmt.payments.get(paid.id)).toEqual(paid);
    expect((await mgmt.payments.list({ mandate_id: mandate.id })).data.map((p) => p.id)).toEqual([paid.id]);
    expect((await mgmt.payments.list({ status: 'failed', mandate_id: mandate.id })).data).toEqual([]);
    expect((await agent.payments.list({ created_after: new Date(Date.now() - 60_000).toISOString() })).data.map((p) => p.id)).toContain(paid.id);

    const edited = await mgmt.mandates.update(mandate.id, { total_limit_cents: 10_000, allowed_merchants: ['AWS'] });
    expect(edited).toMatchObject({ total_limit_cents: 10_000, allowed_merchants: ['AWS'], spent_cents: 2500, remaining_cents: 7500 });
    await expect(mgmt.mandates.update(mandate.id, { total_limit_cents: -1 })).rejects.toMatchObject({ status: 400, field: 'total_limit_cents' });
    expect((await mgmt.mandates.update(mandate.id, { status: 'revoked' })).status).toBe('revoked');
    expect((await mgmt.mandates.get(mandate.id)).status).toBe('revoked');
    await expect(mgmt.mandates.get('mdt_missing')).rejects.toBeInstanceOf(NotFoundApiError);
  });

  it('reserves budget, captures part of one reservation and releases another, each once', async () => {
    const reserve = (amount_cents: number) => agent.reservations.create({ amount_cents, currency: 'usd', merchant_name: 'OpenAI', reason: 'sdk batch' });
    const a = await reserve(900);
    const b = await reserve(700);
    expect([a.status, b.status]).toEqual(['reserved', 'reserved']);
    expect((await mgmt.reservations.list({ agent_id: s.agentId, status: 'reserved' })).data.map((r) => r.id)).toEqual([b.id, a.id]);

    await expect(agent.reservations.capture(a.id, { amount_cents: 901 })).rejects.toBeInstanceOf(InvalidRequestApiError);
    expect(await agent.reservations.capture(a.id, { amount_cents: 150 })).toMatchObject({ status: 'captured', captured_amount_cents: 150, released_amount_cents: 750 });
    expect(await mgmt.reservations.release(b.id)).toMatchObject({ status: 'released', released_amount_cents: 700 });
    await expect(mgmt.reservations.release(a.id)).rejects.toBeInstanceOf(ConflictError);
    expect((await mgmt.reservations.get(b.id)).status).toBe('released');
  });

  it('leases budget to a child agent and releases the lease', async () => {
    const child = await mgmt.agents.create({ name: 'sdk-child', policy_id: s.policyId, parent_agent_id: s.agentId });
    const lease = await mgmt.budgetLeases.create({ parent_agent_id: s.agentId, child_agent_id: child.id, amount_cents: 4000, currency: 'usd' });
    expect(lease).toMatchObject({ object: 'budget_lease', status: 'active', remaining_cents: 4000 });
    expect((await agent.budgetLeases.list({ status: 'active' })).data.map((l) => l.id)).toContain(lease.id);
    expect((await mgmt.budgetLeases.release(lease.id)).status).toBe('released');
    expect((await mgmt.budgetLeases.list({ agent_id: child.id })).data).toMatchObject([{ id: lease.id, status: 'released' }]);
    await expect(mgmt.budgetLeases.release(lease.id)).rejects.toMatchObject({ status: 409, code: 'invalid_state' });
  });
});
