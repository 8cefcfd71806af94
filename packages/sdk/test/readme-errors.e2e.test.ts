import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BursarApiError, BursarClient, ConflictError, FundingError, WaitTimeoutError, type SpendRequest } from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';

// The errors packages/sdk/README.md promises, each reached the way the README reaches it.
describe('the SDK README’s errors', () => {
  it('FundingError under the default policy: a live workspace’s wallet starts empty, so the first approved amount cannot be held', async () => {
    const live = await startTestServer({ BURSAR_SANDBOX: 'false' });
    try {
      const bursar = new BursarClient({ apiKey: live.spend, baseUrl: live.url });
      const err = await bursar.createSpend({ amount_cents: 12_000, currency: 'usd', merchant_name: 'AWS', reason: 'GPU runtime' }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FundingError);
      expect(err).toMatchObject({ status: 402, code: 'funding_source_budget_exceeded' });
      const recorded = (err as FundingError).body.spend_request as SpendRequest;
      expect(recorded).toMatchObject({ status: 'declined', decision_code: 'insufficient_funds', amount_cents: 12_000 });
    } finally {
      await live.close();
    }
  });

  describe('on the sandbox default policy (monthly 500.00 USD, a human over 250.00 USD)', () => {
    let s: TestServer;
    beforeAll(async () => {
      s = await startTestServer();
    });
    afterAll(() => s.close());

    it('waitForDecision throws WaitTimeoutError (a BursarApiError, code timeout) carrying the request; approve throws 409 budget_exceeded until override_budget', async () => {
      const agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
      const operator = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
      const pending = await agent.createSpend({ amount_cents: 30_000, currency: 'usd', merchant_name: 'OpenAI', reason: 'credits' });
      expect(pending.status).toBe('needs_approval');
      const timedOut = await agent.waitForDecision(pending.id, { timeoutMs: 100, intervalMs: 20 }).catch((e: unknown) => e);
      expect(timedOut).toBeInstanceOf(WaitTimeoutError);
      expect(timedOut).toBeInstanceOf(BursarApiError);
      expect(timedOut).toMatchObject({ code: 'timeout', status: 0, spendRequest: { id: pending.id, status: 'needs_approval' } });

      for (let i = 0; i < 2; i++) expect((await agent.createSpend({ amount_cents: 24_000, currency: 'usd', merchant_name: 'AWS', reason: 'gpu' })).status).toBe('approved');
      const refused = await operator.approvals.approve(pending.approval_id!).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ConflictError);
      expect(refused).toMatchObject({ status: 409, code: 'budget_exceeded', body: { exceeds_budget_by_cents: 28_000, budget_period: 'monthly' } });
      const approved = await operator.approvals.approve(pending.approval_id!, { override_budget: true, note: 'launch week' });
      expect(approved).toMatchObject({ status: 'approved', override_budget: true });
      expect(await agent.waitForDecision(pending.id)).toMatchObject({ status: 'approved' });
    });
  });
});
