import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { startInPty } from './pty.js';

describe('bursar agent demo: virtual card checkout', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  const demoEnv = (merchantKey: string) => ({ BURSAR_API_URL: s.url, BURSAR_SPEND_KEY: s.spend, BURSAR_API_KEY: merchantKey, BURSAR_DEMO_NO_BROWSER: '1' });

  it('checks out in a pseudo-terminal: a checkout intent decided by policy, approved by a human, a single-use credential the merchant charges, completed', async () => {
    const demo = startInPty(['agent', 'demo'], demoEnv(s.mgmt));
    try {
      // Under the default policy's approval threshold: approved at once.
      await demo.waitFor(/› /);
      demo.type('2');
      await demo.waitFor(/Merchant \[Acme Cloud\]/);
      demo.type('');
      await demo.waitFor(/Price of the order in cents/);
      demo.type('1500');
      await demo.waitFor(/approved: .* \[(ci_\w+)\]/);
      await demo.waitFor(/Single-use credential card_\w+: \w+ •••• \d{4}, exp \d\d\/\d\d, bound to Acme Cloud for 15\.00 USD/);
      await demo.waitFor(/The merchant charged it: .* captured \[cauth_\w+\]/);
      await demo.waitFor(/tries the same card again: declined \(card_used: The single-use card was already used\)/);
      await demo.waitFor(/Checkout intent ci_\w+ is completed: 15\.00 USD captured at Acme Cloud[\s\S]*› /);

      // Over it: the same approval wait and dashboard link as the 402 flow.
      const from = demo.output().length;
      demo.type('2');
      await demo.waitFor(/Merchant \[Acme Cloud\]/, from);
      demo.type('GPU Cloud');
      await demo.waitFor(/Price of the order in cents/, from);
      demo.type('30000');
      const pending = await demo.waitFor(/needs_approval: .* \[(ci_\w+)\]/, from);
      const link = await demo.waitFor(/Approve or decline here:\s+(\S+)/, from);
      expect(link[1]).toContain(pending[1]);
      const approvalId = (await demo.waitFor(/bursar approvals approve (apr_\w+)/, from))[1];
      await demo.waitFor(/Waiting for the decision/, from);
      const approved = await api(s.url, 'POST', `/v1/approvals/${approvalId}/approve`, { key: s.mgmt });
      expect(approved.status, JSON.stringify(approved.body)).toBe(200);
      await demo.waitFor(/approved: .* \[ci_\w+\][\s\S]*Single-use credential .* bound to GPU Cloud for 300\.00 USD/, from);
      await demo.waitFor(/Checkout intent ci_\w+ is completed: 300\.00 USD captured at GPU Cloud[\s\S]*› /, from);
      demo.type('q');
      expect(await demo.exit()).toBe(0);
      const out = demo.output();
      expect(out).toContain('Bye.');
      for (const secret of [s.spend, s.mgmt]) expect(out).not.toContain(secret);
      expect(out).not.toMatch(/\b\d{13,19}\b/); // the card number goes to the merchant only

      const intents = await api(s.url, 'GET', '/v1/checkout-intents?limit=10', { key: s.mgmt });
      expect(intents.body.data.map((i: any) => [i.merchant_name, i.status, i.captured_amount_cents])).toEqual([
        ['GPU Cloud', 'completed', 30_000],
        ['Acme Cloud', 'completed', 1500],
      ]);
      const charges = await api(s.url, 'GET', '/v1/sandbox/card-authorizations?limit=10', { key: s.mgmt });
      expect(charges.body.data.map((a: any) => [a.merchant_name, a.status, a.decline_code])).toEqual([
        ['GPU Cloud', 'declined', 'card_used'],
        ['GPU Cloud', 'captured', null],
        ['Acme Cloud', 'declined', 'card_used'],
        ['Acme Cloud', 'captured', null],
      ]);
    } finally {
      demo.kill();
    }
  });

  it('a human declines: nothing is paid, no credential is issued, nothing stays held', async () => {
    const demo = startInPty(['agent', 'demo'], demoEnv(s.mgmt));
    try {
      await demo.waitFor(/› /);
      demo.type('2');
      await demo.waitFor(/Merchant/);
      demo.type('Big Iron');
      await demo.waitFor(/Price of the order in cents/);
      demo.type('40000');
      const intentId = (await demo.waitFor(/needs_approval: .* \[(ci_\w+)\]/))[1]!;
      const approvalId = (await demo.waitFor(/bursar approvals approve (apr_\w+)/))[1];
      await demo.waitFor(/Waiting for the decision/);
      expect((await api(s.url, 'POST', `/v1/approvals/${approvalId}/decline`, { key: s.mgmt, body: { note: 'not this one' } })).status).toBe(200);
      await demo.waitFor(/Not paid: declined: .* \[ci_\w+\][\s\S]*› /);
      demo.type('q');
      expect(await demo.exit()).toBe(0);
      const out = demo.output();
      expect(out).not.toContain('Single-use credential');
      const intent = await api(s.url, 'GET', `/v1/checkout-intents/${intentId}`, { key: s.mgmt });
      expect(intent.body).toMatchObject({ status: 'declined', credential: null, captured_amount_cents: null });
      const balance = await api(s.url, 'GET', '/v1/balance', { key: s.spend });
      expect(balance.body.budgets[0]).toMatchObject({ held_cents: 0 });
    } finally {
      demo.kill();
    }
  });

  it('without a management key for the merchant, says how to give one and stays in the menu', async () => {
    const demo = startInPty(['agent', 'demo'], demoEnv(''));
    try {
      await demo.waitFor(/› /);
      demo.type('2');
      await demo.waitFor(/takes a management key:[\s\S]*--merchant-key bmk_…[\s\S]*› /);
      demo.type('q');
      expect(await demo.exit()).toBe(0);
    } finally {
      demo.kill();
    }
  });

  it('refuses a spending key as the merchant key before it starts', async () => {
    const demo = startInPty(['agent', 'demo', '--merchant-key', s.spend], demoEnv(''));
    try {
      expect(await demo.exit()).toBe(2);
      expect(demo.output()).toMatch(/--merchant-key must be a management key/);
    } finally {
      demo.kill();
    }
  });
});
