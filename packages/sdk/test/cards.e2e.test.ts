import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BursarClient, FundingError } from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';

describe('@bursar/sdk cards, checkout intents, transfers and workspaces', () => {
  let s: TestServer;
  let mgmt: BursarClient;
  let agent: BursarClient;
  beforeAll(async () => {
    s = await startTestServer();
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
  });
  afterAll(() => s.close());

  it('issues and freezes a card, pays through a checkout intent and captures it', async () => {
    const card = await mgmt.cards.create({ policy_id: s.policyId, type: 'multi_use', agent_id: s.agentId, spend_limit_cents: 10_000 });
    expect((await mgmt.cards.freeze(card.id)).status).toBe('frozen');
    expect((await mgmt.cards.unfreeze(card.id)).status).toBe('active');
    expect((await mgmt.cards.list({ policy_id: s.policyId })).data.map((c) => c.id)).toContain(card.id);
    const intent = await agent.checkoutIntents.create({ amount_cents: 1200, currency: 'usd', merchant_name: 'Acme', reason: 'sdk', card_id: card.id });
    expect(intent.status).toBe('approved');
    const auth = await mgmt.sandboxCardAuthorizations.create({ card_number: intent.credential!.number!, merchant_name: 'Acme', amount_cents: 1200, currency: 'usd' });
    expect(auth.status).toBe('approved');
    expect((await mgmt.sandboxCardAuthorizations.capture(auth.id)).status).toBe('captured');
    expect((await agent.checkoutIntents.get(intent.id)).status).toBe('completed');
  });

  it('creates a workspace and moves money to it, once per idempotency key', async () => {
    const team = await mgmt.workspaces.create({ name: 'sdk team' });
    expect(team.management_key).toMatch(/^bmk_test_/);
    const input = { to_workspace_id: team.id, amount_cents: 500, currency: 'usd', description: 'sdk' };
    const t1 = await mgmt.transfers.create(input, { idempotencyKey: 'sdk-trf' });
    const t2 = await mgmt.transfers.create(input, { idempotencyKey: 'sdk-trf' });
    expect(t2.id).toBe(t1.id);
    const theirs = new BursarClient({ apiKey: team.management_key!, baseUrl: s.url });
    expect((await theirs.transfers.list({ direction: 'incoming' })).data.map((t) => t.id)).toEqual([t1.id]);
    await expect(theirs.transfers.create({ ...input, to_workspace_id: (await mgmt.workspaces.list()).data.at(-1)!.id, amount_cents: 10_000 })).rejects.toBeInstanceOf(FundingError);
  });
});
