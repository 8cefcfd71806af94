import { BursarClient, X402Error, sandboxPayer, type X402Payer } from '@bursar/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { startPaidEndpoint, type PaidEndpoint } from '../src/demo/paid-endpoint.js';

/** HTTP 402 (x402) through Bursar, against the demo's local paid endpoint. */
describe('fetchWithSpend against the demo paid endpoint', () => {
  let s: TestServer;
  let agent: BursarClient;
  let mgmt: BursarClient;
  const endpoints: PaidEndpoint[] = [];
  const paid = async (o: Parameters<typeof startPaidEndpoint>[0]) => {
    const e = await startPaidEndpoint(o);
    endpoints.push(e);
    return e;
  };
  beforeAll(async () => {
    s = await startTestServer();
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
  });
  afterAll(async () => {
    for (const e of endpoints) await e.close();
    await s.close();
  });

  it.each([2, 1] as const)('x402 v%i: asks Bursar for the quoted amount, pays once approved, completes the spend', async (version) => {
    const e = await paid({ priceAtomic: '50000', version });
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { reason: 'market report for the weekly summary' });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { paid_with: string };
    expect(e.challenges).toBe(1);
    expect(e.payments).toHaveLength(1);
    const spend = await agent.getSpend(body.paid_with);
    expect(spend).toMatchObject({ status: 'completed', amount_cents: 5, currency: 'usd', captured_amount_cents: 5, merchant_name: new URL(e.url).host });
    expect(spend.metadata).toMatchObject({ x402_version: version, pay_to: '0xBursarDemoMerchant' });
  });

  it('waits for a human when the quote needs approval, then pays', async () => {
    const e = await paid({ priceAtomic: '300000000' }); // $300 > the $250 approval threshold
    let pendingId = '';
    const fetching = agent.fetchWithSpend(`${e.url}/report`, {}, {
      intervalMs: 50,
      onSpendRequest: (sr) => {
        pendingId = sr.id;
        expect(sr.status).toBe('needs_approval');
        expect(sr.approval_url).toContain(sr.id);
        void mgmt.approvals.approve(sr.approval_id!, { override_budget: true });
      },
    });
    const res = await fetching;
    expect(res.status).toBe(200);
    expect((await agent.getSpend(pendingId)).status).toBe('completed');
  });

  it('never pays what the policy declined', async () => {
    const e = await paid({ priceAtomic: '300000000' });
    let payerCalled = false;
    const payer: X402Payer = {
      assets: sandboxPayer.assets,
      async pay() {
        payerCalled = true;
        return {};
      },
    };
    const p = agent.fetchWithSpend(`${e.url}/report`, {}, {
      payer,
      intervalMs: 50,
      onSpendRequest: (sr) => void mgmt.approvals.decline(sr.approval_id!, { note: 'no' }),
    });
    const err = await p.catch((x: unknown) => x);
    expect(err).toBeInstanceOf(X402Error);
    expect((err as X402Error).spend?.status).toBe('declined');
    expect(payerCalled).toBe(false);
    expect(e.payments).toHaveLength(0);
  });

  it('never pays a blocked merchant', async () => {
    const e = await paid({ priceAtomic: '10000' });
    await mgmt.policies.update(s.policyId, { blocked_merchants: [new URL(e.url).host] });
    try {
      const err = await agent.fetchWithSpend(`${e.url}/report`).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(X402Error);
      expect((err as X402Error).spend).toMatchObject({ status: 'declined', decision_code: 'merchant_blocked' });
      expect(e.payments).toHaveLength(0);
    } finally {
      await mgmt.policies.update(s.policyId, { blocked_merchants: [] });
    }
  });

  it('passes through answers that are not x402 402s', async () => {
    const e = await paid({ priceAtomic: '10000' });
    const plain = await agent.fetchWithSpend(`${s.url}/healthz`);
    expect(plain.status).toBe(200);
    expect(e.challenges).toBe(0);
  });
});
