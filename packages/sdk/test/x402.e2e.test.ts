import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BursarClient, encodeX402Header, readSettlement, X402Error, X402UnpayableError, type SpendRequest, type X402Asset } from '../src/index.js';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { startFacilitatorStub, startV1Server, startV2Server, testEvmPayer, type FacilitatorStub, type PaidServer } from './helpers/x402-servers.js';

/**
 * fetchWithSpend against paid endpoints made with the official x402 server middleware (v1 and
 * v2), settling through a local facilitator stub, and a real Bursar: what is approved and
 * captured is what the asset is worth, and no hold outlives the flow.
 */

const usdcBaseSepolia = '0x036CbD53842c5426634e7929541eC2318f3dCF7e';
/** A token with 2 decimals the caller tells Bursar about: 500 atomic units are 5.00 usd. */
const cents2 = '0x2222222222222222222222222222222222220002';
const cents2Asset: X402Asset[] = [
  { network: 'base-sepolia', asset: cents2, decimals: 2, currency: 'usd' },
  { network: 'eip155:84532', asset: cents2, decimals: 2, currency: 'usd' },
];
const eurcBase = '0x60a3E35Cc302bFA44Cb288Bc5a4F316Fdb1adb42';
/** An 18-decimal token no table knows. */
const unknown18 = '0x1818181818181818181818181818181818181818';

describe('fetchWithSpend pays exactly what was approved, in the asset that was approved', () => {
  let s: TestServer;
  let agent: BursarClient;
  let mgmt: BursarClient;
  let facilitator: FacilitatorStub;
  const servers: PaidServer[] = [];
  const v1 = async (...a: Parameters<typeof startV1Server> extends [string, ...infer R] ? R : never) => {
    const p = await startV1Server(facilitator.url, ...a);
    servers.push(p);
    return p;
  };
  const v2 = async (...a: Parameters<typeof startV2Server> extends [string, ...infer R] ? R : never) => {
    const p = await startV2Server(facilitator.url, ...a);
    servers.push(p);
    return p;
  };
  const spendCount = async () => (await agent.listSpend({ limit: 100 })).data.length;
  const spendOf = async (res: Response) => {
    const [latest] = (await agent.listSpend({ limit: 1 })).data;
    expect(latest, `no spend request for ${res.url}`).toBeDefined();
    return latest!;
  };

  beforeAll(async () => {
    s = await startTestServer();
    agent = new BursarClient({ apiKey: s.spend, baseUrl: s.url });
    mgmt = new BursarClient({ apiKey: s.mgmt, baseUrl: s.url });
    facilitator = await startFacilitatorStub();
  });
  afterAll(async () => {
    for (const p of servers) await p.close();
    await facilitator?.close();
    await s?.close();
  });

  describe.each([
    ['v1', (price: string | { amount: string; asset: string }) =>
      v1({ network: 'base-sepolia', price: typeof price === 'string' ? price : { amount: price.amount, asset: { address: price.asset, decimals: 2, eip712: { name: 'Cents', version: '1' } } } })],
    ['v2', (price: string | { amount: string; asset: string }) => v2([{ network: 'eip155:84532', price }])],
  ] as const)('x402 %s', (_v, start) => {
    it('a 6-decimal USDC price is approved and captured in whole cents, and the settlement is read', async () => {
      const e = await start('$0.05');
      const payer = testEvmPayer();
      const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer });
      expect(res.status).toBe(200);
      expect(e.served).toBe(1);
      expect(readSettlement(res)).toMatchObject({ success: true, network: payer.paid[0]?.network });
      expect(payer.paid[0]).toMatchObject({ asset: usdcBaseSepolia });
      const spend = await spendOf(res);
      expect(spend).toMatchObject({ status: 'completed', amount_cents: 5, currency: 'usd', captured_amount_cents: 5 });
      expect(spend.metadata).toMatchObject({ asset: usdcBaseSepolia, amount_atomic: '50000' });
      expect(facilitator.settled.at(-1)).toMatchObject({ amount: '50000', asset: usdcBaseSepolia });
    });

    it('a 2-decimal token asking 500 units is 5.00, not 1 cent', async () => {
      const e = await start({ amount: '500', asset: cents2 });
      const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer: testEvmPayer(), assets: cents2Asset });
      expect(res.status).toBe(200);
      expect(await spendOf(res)).toMatchObject({ status: 'completed', amount_cents: 500, captured_amount_cents: 500, currency: 'usd' });
    });

    it('an asset no table knows is not paid: a typed error, and no spend request is made', async () => {
      const e = await start({ amount: '5000000000000000000', asset: unknown18 });
      const before = await spendCount();
      const payer = testEvmPayer();
      const err = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(X402UnpayableError);
      expect((err as X402UnpayableError).refusals.map((r) => r.code)).toEqual(['unknown_asset']);
      expect(await spendCount()).toBe(before);
      expect(payer.paid).toHaveLength(0);
      expect(e.served).toBe(0);
    });

    it('a failed settlement fails the spend and releases its hold', async () => {
      const e = await start('$0.07');
      facilitator.failSettlement = true;
      try {
        const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer: testEvmPayer() });
        expect(res.status).toBe(402);
        expect(await spendOf(res)).toMatchObject({ status: 'failed', amount_cents: 7, captured_amount_cents: null });
      } finally {
        facilitator.failSettlement = false;
      }
    });

    it('a payer that throws leaves no hold: the request is cancelled', async () => {
      const e = await start('$0.09');
      const err = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer: testEvmPayer({ fail: true }) }).catch((x: unknown) => x);
      expect(err).toBeInstanceOf(X402Error);
      expect((err as X402Error).code).toBe('payer_failed');
      expect((err as X402Error).spend).toMatchObject({ status: 'cancelled', amount_cents: 9 });
      expect((await agent.getSpend((err as X402Error).spend!.id)).status).toBe('cancelled');
      expect(e.served).toBe(0);
    });
  });

  it('of two options, pays the cheaper, not the first', async () => {
    const e = await v2([
      { network: 'eip155:84532', price: { amount: '1000', asset: cents2 } },
      { network: 'eip155:84532', price: '$0.05' },
    ]);
    const payer = testEvmPayer();
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer, assets: cents2Asset });
    expect(res.status).toBe(200);
    expect(payer.paid).toHaveLength(1);
    expect(payer.paid[0]).toMatchObject({ asset: usdcBaseSepolia, amount: '50000' });
    expect(await spendOf(res)).toMatchObject({ status: 'completed', amount_cents: 5, captured_amount_cents: 5 });
  });

  it('completes the spend with the amount the settlement answer names', async () => {
    const e = await v2([{ network: 'eip155:84532', price: '$0.05' }], '30000');
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer: testEvmPayer() });
    expect(res.status).toBe(200);
    expect(facilitator.settled.at(-1)).toMatchObject({ amount: '30000' });
    expect(await spendOf(res)).toMatchObject({ status: 'completed', amount_cents: 5, captured_amount_cents: 3 });
  });

  it('fails the spend when the settlement answer says the payment did not settle, whatever the status', async () => {
    const e = await v2([{ network: 'eip155:84532', price: '$0.04' }]);
    // A server that serves the resource but reports a failed settlement: the answer decides, not the 200.
    const unsettled: typeof fetch = async (input, init) => {
      const res = await fetch(input, init);
      if (res.status !== 200) return res;
      const headers = new Headers(res.headers);
      headers.set('payment-response', encodeX402Header({ success: false, errorReason: 'insufficient_funds', transaction: '', network: 'eip155:84532' }));
      return new Response(await res.text(), { status: 200, headers });
    };
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer: testEvmPayer(), fetch: unsettled });
    expect(res.status).toBe(200);
    expect(await spendOf(res)).toMatchObject({ status: 'failed', amount_cents: 4, captured_amount_cents: null });
  });

  it('does not compare amounts across currencies: pays in the agent\'s currency', async () => {
    const e = await v2([
      { network: 'eip155:8453', price: { amount: '40000', asset: eurcBase, extra: { name: 'EURC', version: '2' } } },
      { network: 'eip155:8453', price: '$0.08' },
    ]);
    const payer = testEvmPayer();
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer });
    expect(res.status).toBe(200);
    expect(payer.paid[0]).toMatchObject({ amount: '80000' });
    expect(await spendOf(res)).toMatchObject({ status: 'completed', currency: 'usd', captured_amount_cents: 8 });
  });

  it('pays only networks and assets on the allowlist', async () => {
    const e = await v2([
      { network: 'eip155:84532', price: '$0.05' },
      { network: 'eip155:8453', price: '$0.06' },
    ]);
    const payer = testEvmPayer();
    const res = await agent.fetchWithSpend(`${e.url}/report`, {}, { payer, allow: [{ network: 'eip155:8453' }] });
    expect(res.status).toBe(200);
    expect(payer.paid[0]).toMatchObject({ network: 'eip155:8453', amount: '60000' });
    expect(await spendOf(res)).toMatchObject({ status: 'completed', captured_amount_cents: 6 });

    const before = await spendCount();
    const err = await agent
      .fetchWithSpend(`${e.url}/report`, {}, { payer, allow: [{ network: 'eip155:84532', asset: cents2 }] })
      .catch((x: unknown) => x);
    expect(err).toBeInstanceOf(X402UnpayableError);
    expect((err as X402UnpayableError).refusals.map((r) => r.code)).toEqual(['not_allowed', 'not_allowed']);
    expect(await spendCount()).toBe(before);
  });

  it('withdraws a request still waiting for a human when the wait times out, so it cannot be approved later', async () => {
    const e = await v2([{ network: 'eip155:84532', price: '$300' }]); // over the default policy's $250 approval threshold
    const payer = testEvmPayer();
    let pending: SpendRequest | undefined;
    const err = await agent
      .fetchWithSpend(`${e.url}/report`, {}, { payer, timeoutMs: 300, intervalMs: 50, onSpendRequest: (sr) => (pending = sr) })
      .catch((x: unknown) => x);
    expect(pending?.status).toBe('needs_approval');
    expect(err).toBeInstanceOf(X402Error);
    expect((err as X402Error).code).toBe('approval_timeout');
    expect((await agent.getSpend(pending!.id)).status).toBe('cancelled');
    // A human who gets to it now finds nothing to approve, and nothing is held.
    await expect(mgmt.approvals.approve(pending!.approval_id!, { override_budget: true })).rejects.toMatchObject({ status: 409 });
    expect((await agent.getSpend(pending!.id)).status).toBe('cancelled');
    expect(payer.paid).toHaveLength(0);
  });
});
