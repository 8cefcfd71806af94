import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { nav, shot as shotOf, signIn, startHarness, tabTo, type Harness } from './harness.js';

/**
 * The dashboard creates a mandate: reached by keyboard from the list, each field checked when
 * it is left, nothing sent while a field is wrong, the server's refusal shown on its field, and
 * the new mandate's page once created, with exactly what was typed stored by the API.
 */
let h: Harness;
let s: TestServer;
let page: Page;

const shot = (name: string) => shotOf(page, name);
const get = async (path: string) => (await api(s.url, 'GET', path, { key: s.mgmt })).body;
const mandates = async () => (await get('/v1/mandates?limit=100')).data as Array<Record<string, unknown>>;
const focusedId = () => page.evaluate(() => document.activeElement?.id);

beforeAll(async () => {
  h = await startHarness();
  ({ s, page } = h);
  await signIn(h);
});

afterAll(async () => {
  await h?.close();
});

describe('creating a mandate in the dashboard', () => {
  it('validates inline, sends nothing while a field is wrong, then creates it and opens its page', async () => {
    // A revoked agent can no longer be given a mandate: the form does not offer it.
    const retired = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name: 'retired-bot', policy_id: s.policyId } });
    expect(retired.status, JSON.stringify(retired.body)).toBe(201);
    expect((await api(s.url, 'DELETE', `/v1/agents/${retired.body.id}`, { key: s.mgmt })).status).toBe(200);

    await nav(page, 'Mandates');
    await page.getByRole('heading', { name: 'Mandates', level: 1 }).waitFor();
    await page.getByText('No mandate yet. Create one for an agent with New mandate.').waitFor();
    expect(await tabTo(page, /^New mandate$/)).toBeLessThan(30);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'New mandate', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/mandates/new');

    const agent = page.getByLabel('Agent', { exact: true });
    const agentOptions = await agent.locator('option').allTextContents();
    expect(agentOptions).toContain('default-agent');
    expect(agentOptions).not.toContain('retired-bot');
    expect(await page.getByLabel('Currency').inputValue()).toBe('usd');

    // Nothing is flagged before a field is left; leaving one empty or wrong flags it.
    const description = page.getByLabel('Description');
    expect(await page.locator('#mandate-description-error').count()).toBe(0);
    await description.focus();
    await description.blur();
    await expect.poll(() => page.locator('#mandate-description-error').textContent()).toBe('Describe what the agent may pay for.');
    const cap = page.getByLabel('Cap per payment (USD)');
    await cap.fill('12.345');
    await cap.blur();
    const capError = page.locator('#mandate-max_amount_cents-error');
    await expect.poll(() => capError.textContent()).toContain('at most 2 decimals');
    expect(await cap.getAttribute('aria-invalid')).toBe('true');
    expect(await cap.getAttribute('aria-describedby')).toContain('mandate-max_amount_cents-error');
    await shot('mandate-form');

    // Submitting with errors sends nothing and puts the focus on the first bad field.
    let posts = 0;
    page.on('request', (r) => {
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/v1/mandates') posts++;
    });
    const create = page.getByRole('button', { name: 'Create mandate' });
    await create.click();
    expect(await focusedId()).toBe('mandate-agent_id');
    await page.locator('#mandate-agent_id-error').waitFor();
    await agent.selectOption({ label: 'default-agent' });
    await create.click();
    expect(await focusedId()).toBe('mandate-description');
    await description.fill('GPU hours for May');
    await create.click();
    expect(await focusedId()).toBe('mandate-max_amount_cents');
    expect(posts).toBe(0);
    expect(await mandates()).toEqual([]);

    // The server's own refusal lands on its field: the agent's policy is in usd, not eur.
    await cap.fill('12.34');
    await expect.poll(() => capError.count()).toBe(0);
    await page.getByLabel('Currency').fill('eur');
    expect(await page.getByLabel('Cap in total (EUR)').count()).toBe(1);
    await create.click();
    const currencyError = page.locator('#mandate-currency-error');
    await expect.poll(() => currencyError.textContent()).toMatch(/^Currency must be 'usd'/);
    expect(await focusedId()).toBe('mandate-currency');
    expect(posts).toBe(1);
    expect(await mandates()).toEqual([]);

    await page.getByLabel('Currency').fill('usd');
    await expect.poll(() => currencyError.count()).toBe(0);
    await page.getByLabel('Cap per payment (USD)').fill('12.34');
    await page.getByLabel('Cap in total (USD)').fill('1,250.5');
    await page.getByLabel('Expires at').fill('2030-06-01T12:30');
    await page.getByLabel('Allowed merchants').fill('Lambda Labs\n  runpod.io \n\n');
    await page.getByLabel('Allowed categories').fill('cloud');
    await create.click();
    await page.getByRole('heading', { name: 'GPU hours for May', level: 1 }).waitFor();

    const all = await mandates();
    expect(all).toHaveLength(1);
    const id = all[0]!.id as string;
    expect(new URL(page.url()).pathname).toBe(`/mandates/${id}`);
    // 12:30 in Paris (the browser's zone), summer time: 10:30 UTC.
    expect(await get(`/v1/mandates/${id}`)).toMatchObject({
      agent_id: s.agentId, description: 'GPU hours for May', currency: 'usd', max_amount_cents: 1234, total_limit_cents: 125_050, spent_cents: 0,
      allowed_merchants: ['Lambda Labs', 'runpod.io'], allowed_categories: ['cloud'], expires_at: '2030-06-01T10:30:00.000Z', status: 'active',
    });
    // The new mandate's page offers its scope to edit, filled in with what was typed.
    expect(await page.getByLabel('Cap in total (USD)').inputValue()).toBe('1250.50');

    await nav(page, 'Mandates');
    await page.locator(`tr[data-mandate="${id}"]`).getByRole('link', { name: 'GPU hours for May' }).waitFor();
  });
});
