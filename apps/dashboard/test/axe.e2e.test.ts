import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { spendBody } from '../../../packages/server/test/helpers/server.js';
import { startReceiver, type Receiver } from '../../../packages/server/test/helpers/receiver.js';
import { fileHarness, seedPost, type Harness } from './harness.js';

/**
 * axe-core, run inside the page, finds no violation on any page of the dashboard, at desktop
 * width and at phone width, with data on every page: a lease, a pending approval, a spend
 * request with ledger postings, a failing webhook endpoint with its delivery log, a mandate, a
 * reservation, a payment and a card.
 */
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  help: string;
  nodes: string[];
}

/** Runs axe on the page as it is now (injected once per document). */
async function violations(page: Page): Promise<Violation[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, o: object) => Promise<{ violations: Array<{ id: string; help: string; nodes: Array<{ target: unknown[] }> }> }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  });
}

let rx: Receiver;
const ids: Record<string, string> = {};

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  const child = await post('/v1/agents', { name: 'sub-researcher', policy_id: s.policyId, parent_agent_id: s.agentId });
  await post('/v1/spend-guard/budget-leases', { parent_agent_id: s.agentId, child_agent_id: child.id, amount_cents: 4000, currency: 'usd' });
  ids.spend = (await post('/v1/spend-requests', spendBody(1200, { merchant_name: 'OpenAI' }), s.spend)).id;
  ids.pending = (await post('/v1/spend-requests', spendBody(30_000, { merchant_name: 'Zephyr GPU Cloud' }), s.spend)).id;
  await post('/v1/spend-requests', spendBody(900, { merchant_name: 'casino', category: 'gambling', currency: 'eur' }), s.spend).catch(() => undefined);
  rx = await startReceiver(() => 500);
  ids.endpoint = (await post('/v1/webhooks', { url: rx.url, events: ['*'] })).id;
  await post('/v1/spend-requests', spendBody(300), s.spend);
  await rx.waitFor((r) => r.length >= 2);
  const mandate = await post('/v1/mandates', { agent_id: s.agentId, description: 'cloud invoices', currency: 'usd', max_amount_cents: 5000 });
  ids.mandate = mandate.id;
  const token = await post(`/v1/agents/${s.agentId}/execution-tokens`, { mandate_id: mandate.id, action: 'payment.create', audience: 'bursar:payments' });
  ids.payment = (await post('/v1/payments', { amount_cents: 2500, currency: 'usd', merchant_name: 'AWS', description: 'invoice 42' }, token.token)).id;
  ids.reservation = (await post('/v1/spend-guard/reservations', { amount_cents: 900, currency: 'usd', merchant_name: 'OpenAI', reason: 'batch job' }, s.spend)).id;
  await post('/v1/cards', { policy_id: s.policyId, agent_id: s.agentId, name: 'research card', spend_limit_cents: 20_000 });
}

const h = fileHarness({ env: { BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '2' }, seed });

afterAll(async () => {
  await rx?.close();
});

/** Every page, with what shows it has loaded. */
const pages = (): Array<[path: string, ready: string]> => [
  ['/', '[data-burn-policy]'],
  ['/approvals', `article[data-spend-request="${ids.pending}"]`],
  [`/approvals?spend_request_id=${ids.pending}`, 'article.focused'],
  ['/spend-requests', `a[href="/spend-requests/${ids.spend}"]`],
  [`/spend-requests/${ids.spend}`, 'table'],
  ['/policies', 'table'],
  [`/policies/${h.s.policyId}`, 'form'],
  ['/policies/new', 'form'],
  ['/analytics', 'tr[data-group]'],
  ['/analytics?group_by=merchant&range=7', 'tr[data-group]'],
  ['/agents', 'tr[data-agent]'],
  [`/agents/${h.s.agentId}`, 'tr[data-key]'],
  ['/keys', 'table'],
  ['/wallets', 'main h1'],
  ['/ledger', 'table'],
  ['/webhooks', `article[data-endpoint="${ids.endpoint}"]`],
  [`/webhooks/${ids.endpoint}`, 'tr[data-delivery]'],
  ['/mandates', `tr[data-mandate="${ids.mandate}"]`],
  [`/mandates/${ids.mandate}`, 'form'],
  ['/reservations', `tr[data-reservation="${ids.reservation}"]`],
  [`/reservations/${ids.reservation}`, 'main h1'],
  ['/payments', `tr[data-payment="${ids.payment}"]`],
  [`/payments/${ids.payment}`, 'main h1'],
  ['/cards', 'tr[data-card]'],
  ['/transfers', 'main h1'],
  ['/audit-log', 'table'],
  // A policy's history under its form: its budget alerts and its versions, once loaded.
  [`/policies/${h.s.policyId}`, 'tr[data-policy-version]'],
];

describe('axe-core in the page', () => {
  for (const width of [1280, 390]) {
    it(`finds no violation on any page at ${width} px`, async () => {
      const { page, s } = h;
      await page.setViewportSize({ width, height: 860 });
      const found: Record<string, Violation[]> = {};
      for (const [path, ready] of pages()) {
        await page.goto(`${s.url}${path}`);
        await page.locator(ready).first().waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        const v = await violations(page);
        if (v.length > 0) found[path] = v;
      }
      await page.setViewportSize({ width: 1280, height: 860 });
      expect(found).toEqual({});
    });
  }
});
