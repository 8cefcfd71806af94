import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { nav as navIn, shot as shotOf, startHarness, tabTo, type Harness } from './harness.js';
import type { BrowserContext, Page } from 'playwright-core';

/**
 * The dashboard end to end, part one: sign-in, the approval queue and the approval_url, keys,
 * pausing an agent, spend requests, the ledger, wallets and sign-out. Part two
 * (pages.e2e.test.ts) covers policies, webhooks, the CSV export and the SpendGuard pages.
 */
let h: Harness;
let s: TestServer;
let context: BrowserContext;
let page: Page;

const shot = (name: string) => shotOf(page, name);
const nav = (label: string) => navIn(page, label);

async function spendStatus(id: string): Promise<string> {
  return (await api(s.url, 'GET', `/v1/spend-requests/${id}`, { key: s.mgmt })).body.status;
}

beforeAll(async () => {
  h = await startHarness();
  ({ s, context, page } = h);
});

afterAll(async () => {
  await h?.close();
});

describe('the dashboard in Chromium', () => {
  it('refuses a spending key, then signs in with the management key', async () => {
    await page.goto(s.url);
    await page.getByLabel('Management key').fill(s.spend);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('management key');
    await shot('sign-in');

    await page.getByLabel('Management key').fill(s.mgmt);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    await page.getByText('$1,000.00').first().waitFor();

    const cookies = await context.cookies(s.url);
    const session = cookies.find((c) => c.name === 'bursar_session');
    expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    // Nothing secret in web storage: the session lives in the httpOnly cookie only.
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain('bmk_');
    expect(stored).not.toContain(session!.value);
  });

  it('shows a request created through the API in Approvals without a reload, and approves it', async () => {
    await nav('Approvals');
    await page.getByRole('heading', { name: 'Approvals' }).waitFor();
    await page.getByText('Nothing waits for a decision').waitFor();

    const created = await api(s.url, 'POST', '/v1/spend-requests', {
      key: s.spend,
      body: spendBody(30_000, { merchant_name: 'Zephyr GPU Cloud', reason: 'fine-tuning run' }),
    });
    expect(created.body.status).toBe('needs_approval');
    const card = page.locator(`article[data-spend-request="${created.body.id}"]`);
    await card.waitFor();
    await expect.poll(() => card.textContent()).toContain('$300.00');
    expect(await card.textContent()).toContain('fine-tuning run');
    await shot('approvals');
    // The keyboard reaches the decision: Tab from the top lands on Approve, with a visible focus ring.
    expect(await tabTo(page, /^Approve$/)).toBeLessThan(40);

    await card.getByLabel(/Note/).fill('ok for this sprint');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    await expect.poll(() => spendStatus(created.body.id)).toBe('approved');
    const approval = await api(s.url, 'GET', `/v1/approvals/${created.body.approval_id}`, { key: s.mgmt });
    expect(approval.body).toMatchObject({ status: 'approved', note: 'ok for this sprint', override_budget: false });
  });

  it('opens an approval_url onto that request, where going over budget needs an explicit confirmation', async () => {
    const created = await api(s.url, 'POST', '/v1/spend-requests', {
      key: s.spend,
      body: spendBody(40_000, { merchant_name: 'Orbital Data', reason: 'bulk dataset' }),
    });
    expect(created.body.approval_url).toMatch(/\/approvals\?spend_request_id=req_/);
    const url = new URL(created.body.approval_url);
    await page.goto(`${s.url}${url.pathname}${url.search}`);
    const card = page.locator(`article.focused[data-spend-request="${created.body.id}"]`);
    await card.waitFor();
    // $300 approved of the $500 monthly budget: $400 more would exceed it by $200.
    await expect.poll(() => card.textContent()).toContain('Exceeds the monthly budget by $200.00');
    await shot('approval-link');
    // Approving over budget asks first, in a dialog; cancelling it approves nothing.
    await card.getByRole('button', { name: 'Approve over budget' }).click();
    const dialog = page.getByRole('dialog', { name: /over budget/ });
    await expect.poll(() => dialog.textContent()).toContain('by $200.00');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect(await spendStatus(created.body.id)).toBe('needs_approval');

    await card.getByLabel(/Note/).fill('not this month');
    await card.getByRole('button', { name: 'Decline' }).click();
    await expect.poll(() => card.textContent()).toContain('declined');
    expect(await spendStatus(created.body.id)).toBe('declined');
  });

  it('creates a key and shows its secret once', async () => {
    await nav('Keys');
    await page.getByRole('heading', { name: 'Create a key' }).waitFor();
    await page.getByLabel('Name (optional)').fill('e2e key');
    await page.getByRole('button', { name: 'Create key' }).click();
    const secret = (await page.getByTestId('new-secret').textContent())!;
    expect(secret).toMatch(/^bsk_test_/);
    expect((await api(s.url, 'GET', '/v1/balance', { key: secret })).status).toBe(200);
    await shot('keys');

    await page.reload();
    await page.getByRole('heading', { name: 'Create a key' }).waitFor();
    await page.getByText('e2e key').waitFor();
    expect(await page.content()).not.toContain(secret);
  });

  it('pauses an agent in one click, and its next spend is declined', async () => {
    await nav('Agents');
    const row = page.locator(`tr[data-agent="${s.agentId}"]`);
    await row.getByRole('button', { name: /^Pause/ }).click();
    await row.getByRole('button', { name: /^Resume/ }).waitFor();
    await shot('agents');
    const next = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
    expect(next.body).toMatchObject({ status: 'declined', decision_code: 'agent_paused' });

    await row.getByRole('button', { name: /^Resume/ }).click();
    await row.getByRole('button', { name: /^Pause/ }).waitFor();
    const after = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(100) });
    expect(after.body.status).toBe('approved');
  });

  it('shows spend requests, recent declines, and the ledger with its verification', async () => {
    await nav('Spend requests');
    await page.getByText('Zephyr GPU Cloud').waitFor();
    await page.getByLabel('Status').selectOption('declined');
    await page.getByText('Orbital Data').waitFor();
    await expect.poll(() => page.getByText('Zephyr GPU Cloud').count()).toBe(0);
    await shot('spend-requests');

    await nav('Overview');
    await page.getByText('Recent declines').waitFor();
    await page.getByRole('cell', { name: /paused/i }).first().waitFor();
    await shot('overview');

    await nav('Ledger');
    await page.getByRole('button', { name: 'Verify the ledger' }).click();
    await expect.poll(() => page.getByTestId('verify-result').textContent()).toMatch(/^Verified: \d+ transactions/);
    // Accounts in words, the raw account as the title.
    const accountsShown = await page.locator('.postings .account').allTextContents();
    expect(accountsShown).toContain('USD wallet · available');
    expect(accountsShown).toContain('Funding from outside Bursar (USD)');
    expect(accountsShown.some((a) => a.includes(':'))).toBe(false);
    expect(await page.locator('.postings .account', { hasText: 'USD wallet · available' }).first().getAttribute('title')).toMatch(/^wal_.+:available$/);
    await shot('ledger');
  });

  it('funds a sandbox wallet in its currency', async () => {
    await nav('Wallets');
    const wallet = page.locator(`article[data-wallet="${s.walletId}"]`);
    const available = async () => (await api(s.url, 'GET', `/v1/wallets/${s.walletId}`, { key: s.mgmt })).body.available_cents as number;
    const before = await available();
    await wallet.getByLabel(/Add sandbox funds/).fill('250.50');
    await wallet.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(available).toBe(before + 25_050);
    await expect.poll(() => wallet.textContent()).toContain(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format((before + 25_050) / 100));
    await shot('wallets');
  });

  it('signs out: the cookie stops working', async () => {
    const cookie = (await context.cookies(s.url)).find((c) => c.name === 'bursar_session')!;
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('Management key').waitFor();
    const r = await api(s.url, 'GET', '/v1/agents', { headers: { cookie: `bursar_session=${cookie.value}` } });
    expect(r.status).toBe(401);
  });
});
