import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { startReceiver, type Receiver } from '../../../packages/server/test/helpers/receiver.js';
import { nav as navIn, shot as shotOf, signIn, startHarness, tabTo, type Harness } from './harness.js';

/**
 * The dashboard end to end, part two: policies with inline validation, webhooks with their
 * delivery log, a spend request's timeline, the ledger CSV export, the agent tree with leases,
 * and the mandate, reservation and payment pages. Every page is screenshotted at desktop and
 * phone width after the accessibility checks.
 */
let h: Harness;
let s: TestServer;
let page: Page;
let rx: Receiver;

const shot = (name: string) => shotOf(page, name);
const nav = (label: string) => navIn(page, label);
const get = async (path: string) => (await api(s.url, 'GET', path, { key: s.mgmt })).body;

beforeAll(async () => {
  h = await startHarness({ BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '2' });
  ({ s, page } = h);
  rx = await startReceiver();
  await signIn(h);
});

afterAll(async () => {
  await h?.close();
  await rx?.close();
});

describe('dashboard pages in Chromium', () => {
  it('creates a policy: an invalid field shows its error inline, fixing it saves', async () => {
    await nav('Policies');
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    expect(await tabTo(page, /^New policy$/)).toBeLessThan(30);
    await shot('policies');
    await page.getByRole('link', { name: 'New policy' }).click();
    await page.getByRole('heading', { name: 'New policy' }).waitFor();

    await page.getByLabel('Name').fill('Research agents');
    const monthly = page.getByLabel('Monthly budget');
    await monthly.fill('12.345');
    await monthly.blur();
    const monthlyError = page.locator('#policy-monthly_limit_cents-error');
    await expect.poll(() => monthlyError.textContent()).toContain('at most 2 decimals');
    expect(await monthly.getAttribute('aria-invalid')).toBe('true');
    expect(await monthly.getAttribute('aria-describedby')).toContain('policy-monthly_limit_cents-error');
    await page.getByLabel('Time zone').fill('Mars/Olympus');
    await page.getByLabel('Time zone').blur();
    await page.locator('#policy-timezone-error').waitFor();
    await shot('policy-form');

    // Submitting with errors sends nothing and puts the focus on the first bad field.
    await page.getByRole('button', { name: 'Create policy' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('policy-timezone');
    expect((await get('/v1/policies?limit=100')).data.some((p: { name: string }) => p.name === 'Research agents')).toBe(false);

    await page.getByLabel('Time zone').fill('Europe/Paris');
    await monthly.fill('750');
    await expect.poll(() => monthlyError.count()).toBe(0);
    await page.getByLabel('Daily budget').fill('40.50');
    await page.getByLabel('Ask a human above').fill('25');
    await page.getByLabel('Requests per hour').fill('120');
    await page.getByLabel('Blocked merchants').fill('casino.example\nbets.example');

    // The server's own refusal lands on its field too: this request reaches the server with a negative limit.
    await page.route('**/v1/policies', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, weekly_limit_cents: -1 }) });
    }, { times: 1 });
    await page.getByRole('button', { name: 'Create policy' }).click();
    const weeklyError = page.locator('#policy-weekly_limit_cents-error');
    await expect.poll(() => weeklyError.textContent()).toMatch(/must not be negative/i);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('policy-weekly_limit_cents');
    await page.getByLabel('Weekly budget').fill('');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await page.getByText('Saved “Research agents”.').waitFor();

    const created = (await get('/v1/policies?limit=100')).data.find((p: { name: string }) => p.name === 'Research agents');
    expect(created).toMatchObject({
      timezone: 'Europe/Paris', monthly_limit_cents: 75_000, daily_limit_cents: 4050, weekly_limit_cents: null, require_approval_over_cents: 2500,
      max_transactions_per_hour: 120, max_transactions_per_minute: null, blocked_merchants: ['casino.example', 'bets.example'], is_active: true,
    });

    // Edit it: every field comes back filled in; change two.
    await page.locator(`tr[data-policy="${created.id}"]`).getByRole('link', { name: 'Research agents' }).click();
    await page.getByRole('heading', { name: 'Edit Research agents' }).waitFor();
    expect(await page.getByLabel('Daily budget').inputValue()).toBe('40.50');
    expect(await page.getByLabel('Currency').isDisabled()).toBe(true);
    await page.getByLabel('Requests per minute').fill('5');
    await page.getByLabel('Allowed categories').fill('cloud\nresearch');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText('Saved “Research agents”.').waitFor();
    expect(await get(`/v1/policies/${created.id}`)).toMatchObject({ max_transactions_per_minute: 5, allowed_categories: ['cloud', 'research'], daily_limit_cents: 4050 });
  });

  it('adds a webhook endpoint: its secret once, its delivery log, retry, rotation, disable and delete', async () => {
    await nav('Webhooks');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    expect(await tabTo(page, /^Endpoint URL$/)).toBeLessThan(40);
    const url = page.getByLabel('Endpoint URL');
    await url.fill('not a url');
    await url.blur();
    await page.locator('#webhook-url-error').waitFor();
    await url.fill(rx.url);
    await page.getByLabel('Description (optional)').fill('e2e receiver');
    await page.getByRole('button', { name: 'Add endpoint' }).click();
    const secret = (await page.getByTestId('webhook-secret').textContent())!;
    expect(secret).toMatch(/^whsec_/);
    const endpoint = (await get('/v1/webhooks')).data.find((w: { url: string }) => w.url === rx.url);
    expect(endpoint).toMatchObject({ events: ['*'], status: 'enabled', description: 'e2e receiver' });
    expect(JSON.stringify(endpoint)).not.toContain(secret);
    await shot('webhooks');

    // An event happens; the delivery log shows it, and a retry sends it again.
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 1234 } });
    await rx.waitFor((r) => r.some((x) => x.body.includes('"wallet.funded"')));
    await page.locator(`article[data-endpoint="${endpoint.id}"]`).getByRole('link', { name: 'Delivery log' }).click();
    await page.getByRole('heading', { name: 'Delivery log' }).waitFor();
    const row = page.locator('tr', { hasText: 'wallet.funded' }).first();
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('200');
    expect(await page.content()).not.toContain(secret);
    await shot('webhook-log');
    const received = rx.received.length;
    await row.getByRole('button', { name: /^Send again wallet\.funded/ }).click();
    await rx.waitFor((r) => r.length > received);
    await expect.poll(async () => (await get(`/v1/webhooks/${endpoint.id}/deliveries`)).data.filter((a: { event_type: string }) => a.event_type === 'wallet.funded').length).toBe(2);

    // Rotation shows the new secret once; the old one is no longer what the page shows.
    await page.getByRole('button', { name: `Rotate secret of ${rx.url}` }).click();
    await page.getByRole('button', { name: 'Rotate now' }).click();
    const rotated = (await page.getByTestId('webhook-secret').textContent())!;
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await expect.poll(async () => (await get(`/v1/webhooks/${endpoint.id}`)).secret_rotated_at).not.toBeNull();

    await page.getByRole('button', { name: `Disable ${rx.url}` }).click();
    await expect.poll(async () => (await get(`/v1/webhooks/${endpoint.id}`)).status).toBe('disabled');
    await page.getByRole('button', { name: `Enable ${rx.url}` }).waitFor();
    // By keyboard: Enter asks to confirm (focus on the confirmation), Escape cancels (focus back on Delete).
    await page.getByRole('button', { name: `Delete ${rx.url}` }).focus();
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Delete endpoint');
    await page.keyboard.press('Escape');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Delete ${rx.url}`);
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Webhooks', level: 1 }).waitFor();
    await expect.poll(async () => (await api(s.url, 'GET', `/v1/webhooks/${endpoint.id}`, { key: s.mgmt })).status).toBe(404);
  });

  it("shows a spend request's timeline of events and its ledger postings", async () => {
    const created = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1999, { merchant_name: 'Timeline Labs' }) });
    expect(created.body.status).toBe('approved');
    await nav('Spend requests');
    await page.getByRole('link', { name: /^Timeline Labs, \$19\.99/ }).click();
    await page.getByRole('heading', { name: '$19.99 at Timeline Labs' }).waitFor();
    await page.locator('li[data-event-type="spend_request.approved"]').waitFor();
    await page.getByRole('cell', { name: `${s.walletId}:held` }).waitFor();
    // Completing it through the API shows up on the open page: a capture in both lists.
    await api(s.url, 'POST', `/v1/spend-requests/${created.body.id}/complete`, { key: s.spend, body: { amount_cents: 1500 } });
    await page.locator('li[data-event-type="spend_request.completed"]').waitFor({ timeout: 15_000 });
    await page.getByRole('cell', { name: 'capture' }).waitFor();
    await shot('spend-request');
  });

  it('exports the ledger as CSV, one posting per row', async () => {
    await nav('Ledger');
    await page.getByRole('heading', { name: 'Ledger', level: 1 }).waitFor();
    expect(await tabTo(page, /^Export CSV$/)).toBeLessThan(40);
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export CSV' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^bursar-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
    const csv = readFileSync((await file.path())!, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('transaction_id,created_at,wallet_id,sequence,type,spend_request_id,description,account,amount_cents,currency,hash');
    const txns = (await get('/v1/ledger/transactions?limit=100')).data as Array<{ id: string; postings: unknown[] }>;
    expect(csv.length - 1).toBe(txns.reduce((n, t) => n + t.postings.length, 0));
    // Oldest first, and every row's amounts sum to zero per transaction.
    expect(csv[1]!.split(',')[0]).toBe(txns[txns.length - 1]!.id);
    const sums = new Map<string, number>();
    for (const line of csv.slice(1)) {
      const cells = line.split(',');
      sums.set(cells[0]!, (sums.get(cells[0]!) ?? 0) + Number(cells[cells.length - 3]));
    }
    expect([...sums.values()].every((v) => v === 0)).toBe(true);
    await page.getByTestId('export-result').waitFor();
    await shot('ledger-export');
  });

  it('shows agents as a tree with their budget lease, and releases the lease', async () => {
    // The child is made in the page: an empty name is refused inline first.
    await nav('Agents');
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.locator('#agent-name-error').waitFor();
    await page.getByLabel('Name').fill('sub-researcher');
    await page.getByLabel('Policy').selectOption(s.policyId);
    await page.getByLabel('Parent agent (optional)').selectOption(s.agentId);
    await page.getByRole('button', { name: 'Create agent' }).click();
    await page.getByText('Created sub-researcher.').waitFor();
    const child = { body: (await get('/v1/agents?limit=100')).data.find((a: { name: string }) => a.name === 'sub-researcher') };
    expect(child.body).toMatchObject({ parent_agent_id: s.agentId, policy_id: s.policyId, status: 'active' });
    const lease = await api(s.url, 'POST', '/v1/spend-guard/budget-leases', {
      key: s.mgmt,
      body: { parent_agent_id: s.agentId, child_agent_id: child.body.id, amount_cents: 4000, currency: 'usd' },
    });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
    await nav('Wallets');
    await nav('Agents');
    const row = page.locator(`tr[data-agent="${child.body.id}"]`);
    await expect.poll(() => row.locator('td.depth-1').count()).toBe(1);
    await expect.poll(() => row.textContent()).toContain('$40.00 left of $40.00');
    expect(await row.textContent()).toContain('child of default-agent');
    await shot('agents');
    await page.getByRole('button', { name: 'Release the lease to sub-researcher' }).click();
    await page.getByRole('button', { name: 'Release lease' }).click();
    await expect.poll(async () => (await get(`/v1/spend-guard/budget-leases?agent_id=${child.body.id}`)).data[0].status).toBe('released');
  });

  it('lists mandates and edits one, with inline validation', async () => {
    const m = await api(s.url, 'POST', '/v1/mandates', { key: s.mgmt, body: { agent_id: s.agentId, description: 'cloud invoices', currency: 'usd', max_amount_cents: 5000 } });
    expect(m.status).toBe(201);
    const token = await api(s.url, 'POST', `/v1/agents/${s.agentId}/execution-tokens`, {
      key: s.mgmt,
      body: { mandate_id: m.body.id, action: 'payment.create', audience: 'bursar:payments' },
    });
    const paid = await api(s.url, 'POST', '/v1/payments', { key: token.body.token, body: { amount_cents: 2500, currency: 'usd', merchant_name: 'AWS', description: 'invoice 42' } });
    expect(paid.body.status, JSON.stringify(paid.body)).toBe('succeeded');

    await nav('Mandates');
    await page.getByRole('link', { name: 'cloud invoices' }).click();
    await page.getByRole('heading', { name: 'cloud invoices', level: 1 }).waitFor();
    const total = page.getByLabel('Cap in total (USD)');
    await total.fill('abc');
    await page.locator('#mandate-total_limit_cents-error').waitFor();
    await total.fill('100');
    await expect.poll(() => page.locator('#mandate-total_limit_cents-error').count()).toBe(0);
    const expires = page.getByLabel('Expires at');
    await expires.fill('2020-01-01T10:00');
    await page.locator('#mandate-expires_at-error').filter({ hasText: 'Must be in the future.' }).waitFor();
    await expires.fill('2030-06-01T12:30');
    await page.getByRole('button', { name: 'Save mandate' }).click();
    await page.getByText('Saved.').waitFor();
    // 12:30 in Paris (the browser's zone), summer time: 10:30 UTC.
    expect(await get(`/v1/mandates/${m.body.id}`)).toMatchObject({ total_limit_cents: 10_000, max_amount_cents: 5000, spent_cents: 2500, expires_at: '2030-06-01T10:30:00.000Z' });
    await page.getByRole('link', { name: '$25.00 at AWS' }).waitFor();
    await shot('mandate');

    await nav('Mandates');
    await page.locator(`tr[data-mandate="${m.body.id}"]`).waitFor();
    await shot('mandates');

    await nav('Payments');
    await page.locator(`tr[data-payment="${paid.body.id}"]`).getByRole('link').first().click();
    await page.getByRole('heading', { name: '$25.00 to AWS' }).waitFor();
    await page.getByText('invoice 42').waitFor();
    await shot('payment');
    await nav('Payments');
    await page.locator(`tr[data-payment="${paid.body.id}"]`).waitFor();
    await shot('payments');
  });

  it('captures part of a reservation and releases another', async () => {
    const reserve = (amount: number) =>
      api(s.url, 'POST', '/v1/spend-guard/reservations', { key: s.spend, body: { amount_cents: amount, currency: 'usd', merchant_name: 'OpenAI', reason: 'batch job' } });
    const a = await reserve(900);
    const b = await reserve(700);
    expect([a.body.status, b.body.status]).toEqual(['reserved', 'reserved']);

    await nav('Reservations');
    await page.locator(`tr[data-reservation="${b.body.id}"]`).waitFor();
    await shot('reservations');
    await page.locator(`tr[data-reservation="${a.body.id}"]`).getByRole('link').first().click();
    await page.getByRole('heading', { name: '$9.00 for OpenAI' }).waitFor();
    const amount = page.getByLabel('Amount to capture (USD)');
    await amount.fill('12');
    await page.locator('#capture-amount-error').waitFor();
    await amount.fill('1.50');
    await shot('reservation');
    await page.getByRole('button', { name: 'Capture' }).click();
    await expect.poll(async () => (await get(`/v1/spend-guard/reservations/${a.body.id}`)).status).toBe('captured');
    expect((await get(`/v1/spend-guard/reservations/${a.body.id}`)).captured_amount_cents).toBe(150);

    await page.goto(`${s.url}/reservations/${b.body.id}`);
    await page.getByRole('button', { name: 'Release this reservation' }).click();
    await page.getByRole('button', { name: 'Release it all' }).click();
    await expect.poll(async () => (await get(`/v1/spend-guard/reservations/${b.body.id}`)).status).toBe('released');
  });

  it('charts budget burn per policy on the overview, described for screen readers', async () => {
    await nav('Overview');
    const card = page.locator(`article[data-burn-policy="${s.policyId}"]`);
    await card.waitFor();
    const chart = card.getByRole('img', { name: /monthly budget/ });
    await chart.waitFor();
    const description = await chart.evaluate((svg) => svg.querySelector('desc')?.textContent ?? '');
    expect(description).toMatch(/of \$500\.00 used \(\d+%\)/);
    await shot('overview-budgets');
  });

  it('freezes a card, lists transfers, and filters the audit log', async () => {
    const card = await api(s.url, 'POST', '/v1/cards', { key: s.mgmt, body: { policy_id: s.policyId, agent_id: s.agentId, name: 'research card', spend_limit_cents: 20_000 } });
    expect(card.status, JSON.stringify(card.body)).toBe(201);
    await nav('Cards');
    const row = page.locator(`tr[data-card="${card.body.id}"]`);
    await expect.poll(() => row.textContent()).toContain('research card');
    expect(await row.textContent()).toContain('$200.00');
    await row.getByRole('button', { name: /^Freeze/ }).click();
    await row.getByRole('button', { name: /^Unfreeze/ }).waitFor();
    expect((await get(`/v1/cards/${card.body.id}`)).status).toBe('frozen');
    await shot('cards');

    await nav('Transfers');
    await page.getByText(/No transfer yet/).waitFor();
    await shot('transfers');

    await nav('Audit log');
    await page.getByLabel('Action').fill('policy.updated');
    await page.getByRole('cell', { name: 'policy.updated' }).first().waitFor();
    await expect.poll(() => page.locator('td.change').first().textContent()).toContain('max_transactions_per_minute');
    await shot('audit-log');
  });

  it('says what to do on an empty page and on a page that does not exist', async () => {
    await page.goto(`${s.url}/payments/pay_missing`);
    await page.getByRole('alert').filter({ hasText: 'Could not load payment pay_missing' }).waitFor();
    await page.goto(`${s.url}/nowhere`);
    await page.getByRole('heading', { name: 'Page not found' }).waitFor();
    await page.getByRole('link', { name: 'Go to the overview' }).waitFor();
  });

  it('issues a card from the form: a bad limit is refused inline, the server\'s refusal lands on its field, then the card is listed', async () => {
    const cardsNow = async () => (await get('/v1/cards?limit=100')).data as Array<Record<string, unknown>>;
    const before = (await cardsNow()).length;
    await nav('Cards');
    await page.getByRole('heading', { name: 'Issue a card' }).waitFor();
    await tabTo(page, /^Spend limit \(optional\)$/, 100);

    await page.getByLabel('Policy').selectOption(s.policyId);
    await page.getByLabel('Type').selectOption('single_use');
    await page.getByLabel('Name (optional)').fill('e2e travel card');
    const limit = page.getByLabel('Spend limit (optional)');
    await limit.fill('12.345');
    await limit.blur();
    const limitError = page.locator('#card-spend_limit_cents-error');
    await expect.poll(() => limitError.textContent()).toContain('at most 2 decimals');
    expect(await limit.getAttribute('aria-invalid')).toBe('true');
    expect(await limit.getAttribute('aria-describedby')).toContain('card-spend_limit_cents-error');
    // Submitting with an error sends nothing and puts the focus on the bad field.
    await page.getByRole('button', { name: 'Issue card' }).click();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-spend_limit_cents');
    await limit.fill('0');
    await expect.poll(() => limitError.textContent()).toContain('Must be more than zero');
    await page.getByRole('button', { name: 'Issue card' }).click();
    await shot('card-form');
    expect((await cardsNow()).length).toBe(before);

await limit.fill('75.50');
    await expect.poll(() => limitError.count()).toBe(0);
    await page.getByLabel('Agent (optional)').selectOption(s.agentId);
    // The server's refusal names its field: this request reaches the server with an agent that does not exist.
    await page.route('**/v1/cards', async (route) => {
      const body = JSON.parse(route.request().postData() ?? '{}') as Record<string, unknown>;
      await route.continue({ postData: JSON.stringify({ ...body, agent_id: 'agt_missing' }) });
    }, { times: 1 });
    await page.getByRole('button', { name: 'Issue card' }).click();
const agentError = page.locator('#card-agent_id-error');
    await expect.poll(() => agentError.textContent()).toContain("No such agent: 'agt_missing'");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-agent_id');
    expect((await cardsNow()).length).toBe(before);

    // Fixed: the card is issued; what the page received carries no number or CVC, and the page shows none.
    const answer = page.waitForResponse((r) => r.url().endsWith('/v1/cards') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Issue card' }).click();
    const body = (await (await answer).json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('number');
    expect(body).not.toHaveProperty('cvc');
    await page.getByRole('status').filter({ hasText: /^Issued “e2e travel card”, \w+ ending \d{4}\.$/ }).waitFor();
const created = (await cardsNow()).find((c) => c.name === 'e2e travel card');
    expect(created).toMatchObject({ id: body.id, policy_id: s.policyId, agent_id: s.agentId, type: 'single_use', spend_limit_cents: 7550, status: 'active' });
    const row = page.locator(`tr[data-card="${String(created!.id)}"]`);
    await expect.poll(() => row.textContent()).toContain('$75.50');
    expect(await row.textContent()).toContain('single use');
    expect(await page.locator('main').textContent()).not.toMatch(/\d{12,19}/);
    // The form is empty again, ready for the next card.
    expect(await limit.inputValue()).toBe('');

// Without an agent, the card comes with a cardholder agent of its own.
    await page.getByLabel('Type').selectOption('multi_use');
    await page.getByLabel('Name (optional)').fill('e2e own holder');
    await page.getByRole('button', { name: 'Issue card' }).click();
    await page.getByRole('status').filter({ hasText: /^Issued “e2e own holder”/ }).waitFor();
    const own = (await cardsNow()).find((c) => c.name === 'e2e own holder')!;
    expect(own).toMatchObject({ policy_id: s.policyId, type: 'multi_use', spend_limit_cents: null });
    expect(own.agent_id).not.toBe(s.agentId);
    const holder = (await get(`/v1/agents/${String(own.agent_id)}`)) as { name: string; policy_id: string };
    expect(holder).toMatchObject({ name: 'cardholder: e2e own holder', policy_id: s.policyId });
    await expect.poll(() => page.locator(`tr[data-card="${String(own.id)}"]`).textContent()).toContain('cardholder: e2e own holder');
    await shot('cards-issued');
  });

  describe('sending a transfer from the form', () => {
    let other: { id: string; key: string; walletId: string };
    const available = async (walletId: string, key: string) => (await api(s.url, 'GET', `/v1/wallets/${walletId}/balance`, { key })).body.available_cents as number;
    const balances = async () => [await available(s.walletId, s.mgmt), await available(other.walletId, other.key)];
    const transferIds = async (key: string) => ((await api(s.url, 'GET', '/v1/transfers?limit=100', { key })).body.data as Array<{ id: string }>).map((t) => t.id);

    beforeAll(async () => {
      // The server's key is the root workspace's: it can make another workspace.
      const ws = await api(s.url, 'POST', '/v1/workspaces', { key: s.mgmt, body: { name: 'Team B' } });
      expect(ws.status, JSON.stringify(ws.body)).toBe(201);
      other = { id: ws.body.id, key: ws.body.management_key, walletId: ws.body.wallet_id };
      expect((await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 5000 } })).status).toBe(200);
    });

    it('checks it as typed, asks to confirm, then sends it: both sides see it', async () => {
      const [mine, theirs] = await balances();
      await nav('Transfers');
      await page.getByRole('heading', { name: 'Send a transfer' }).waitFor();
      expect(await tabTo(page, /^To workspace$/)).toBeLessThan(40);

      // Empty, then this workspace itself, then too many decimals: each refused inline.
      await page.getByRole('button', { name: 'Review transfer' }).click();
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('transfer-to_workspace_id');
      await page.locator('#transfer-description-error').waitFor();
      const session = (await page.evaluate(() => fetch('/v1/dashboard/session').then((r) => r.json()))) as { workspace_id: string };
      const to = page.getByLabel('To workspace');
      await to.fill(session.workspace_id);
      await page.locator('#transfer-to_workspace_id-error').filter({ hasText: 'That is this workspace' }).waitFor();
      await to.fill(other.id);
      await expect.poll(() => page.locator('#transfer-to_workspace_id-error').count()).toBe(0);
      const amount = page.getByLabel('Amount');
      await amount.fill('12.001');
      await page.locator('#transfer-amount_cents-error').filter({ hasText: 'at most 2 decimals' }).waitFor();
      await amount.fill('12');
      await page.getByLabel('Description').fill('e2e team budget');
      await shot('transfer-form');

      // The confirmation says what leaves and where to; Escape goes back with nothing sent.
      await page.getByRole('button', { name: 'Review transfer' }).click();
      await page.getByRole('group', { name: `Send $12.00 to ${other.id}?` }).waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Send $12.00');
      expect(await amount.isDisabled()).toBe(true);
      await shot('transfer-confirm');
      await page.keyboard.press('Escape');
      await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Review transfer');
      expect(await balances()).toEqual([mine, theirs]);

      await page.keyboard.press('Enter');
      await page.getByRole('button', { name: 'Send $12.00' }).click();
      await page.getByRole('status').filter({ hasText: `Sent $12.00 to ${other.id}.` }).waitFor();
      const sent = (await get('/v1/transfers?limit=1')).data[0];
      expect(sent).toMatchObject({ direction: 'outgoing', to_workspace_id: other.id, amount_cents: 1200, currency: 'usd', description: 'e2e team budget' });
      expect((await api(s.url, 'GET', `/v1/transfers/${sent.id}`, { key: other.key })).body).toMatchObject({ direction: 'incoming', amount_cents: 1200 });
      expect(await balances()).toEqual([mine! - 1200, theirs! + 1200]);
      const row = page.locator(`tr[data-transfer="${sent.id}"]`);
      await expect.poll(() => row.textContent()).toContain('e2e team budget');
      expect(await row.textContent()).toContain('-$12.00');
      expect(await amount.inputValue()).toBe('');
      await shot('transfers-sent');
    });

    it('shows why a transfer is refused (an unknown workspace, a balance spent meanwhile) and moves nothing', async () => {
      const before = await balances();
      const ids = await transferIds(s.mgmt);
      const send = async (to: string, amount: string, description: string) => {
        await page.getByLabel('To workspace').fill(to);
        await page.getByLabel('Amount').fill(amount);
        await page.getByLabel('Description').fill(description);
        await page.getByRole('button', { name: 'Review transfer' }).click();
        await page.getByRole('button', { name: `Send $${amount}` }).click();
      };

      await send('ws_nowhere', '1.00', 'to nobody');
      const toError = page.locator('#transfer-to_workspace_id-error');
      await expect.poll(() => toError.textContent()).toContain("No such workspace: 'ws_nowhere'");
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('transfer-to_workspace_id');
      await shot('transfer-refused');

      // The page loaded the balance; it is then spent elsewhere (through the API), leaving $1.00.
      const [mine] = await balances();
      const drain = await api(s.url, 'POST', '/v1/transfers', { key: s.mgmt, body: { to_workspace_id: other.id, amount_cents: mine! - 100, currency: 'usd', description: 'drain' } });
      expect(drain.status, JSON.stringify(drain.body)).toBe(201);
      const drained = await balances();
      await send(other.id, '5.00', 'more than is left');
      const amountError = page.locator('#transfer-amount_cents-error');
      await expect.poll(() => amountError.textContent()).toContain('Not enough money: the USD wallet has $1.00 available. Nothing was sent.');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('transfer-amount_cents');
      await expect.poll(() => page.locator('#transfer-amount_cents-hint').textContent()).toBe('$1.00 available.');
      expect(await balances()).toEqual(drained);
      expect(await transferIds(s.mgmt)).toEqual([drain.body.id, ...ids]);
      expect(before[1]! + mine! - 100).toBe(drained[1]);
    });
  });
});
