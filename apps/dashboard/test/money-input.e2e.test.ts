import { describe, expect, it } from 'vitest';
import { api } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, shot } from './harness.js';

/**
 * Money typed into the dashboard is read in its currency's minor units: yen have none, so
 * "250.5" into a JPY wallet is refused with a message instead of being rounded into ¥251, and
 * example amounts follow the currency ("250" for JPY, "250.00" for USD).
 */
let yenWallet: string;
let yenPolicy: string;

const h = fileHarness({
  seed: async ({ s }) => {
    const wallet = await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'jpy' } });
    expect(wallet.status, JSON.stringify(wallet.body)).toBe(201);
    yenWallet = wallet.body.id;
    const policy = await api(s.url, 'POST', '/v1/policies', { key: s.mgmt, body: { name: 'Tokyo agents', currency: 'jpy' } });
    expect(policy.status, JSON.stringify(policy.body)).toBe(201);
    yenPolicy = policy.body.id;
  },
});

const available = async (id: string) => (await api(h.s.url, 'GET', `/v1/wallets/${id}`, { key: h.s.mgmt })).body.available_cents as number;

describe('money input in Chromium', () => {
  it('refuses a fraction of a yen with a message, funds a whole amount', async () => {
    const { s, page } = h;
    await nav(page, 'Wallets');
    const yen = page.locator(`article[data-wallet="${yenWallet}"]`);
    const usd = page.locator(`article[data-wallet="${s.walletId}"]`);
    const yenInput = yen.getByLabel(/Add sandbox funds/);
    expect(await yenInput.getAttribute('placeholder')).toBe('250');
    expect(await usd.getByLabel(/Add sandbox funds/).getAttribute('placeholder')).toBe('250.00');

    const before = await available(yenWallet);
    await yenInput.fill('250.5');
    await yen.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(() => yen.getByRole('alert').textContent()).toContain('JPY has no decimals');
    expect(await yenInput.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'wallets-yen-refused');
    expect(await available(yenWallet)).toBe(before);

    await yenInput.fill('250');
    expect(await yen.getByRole('alert').count()).toBe(0);
    await yen.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(() => available(yenWallet)).toBe(before + 250);
    await expect.poll(() => yen.textContent()).toContain(new Intl.NumberFormat('en-US', { style: 'currency', currency: 'JPY' }).format(before + 250));
  });

  it('still takes cents in a USD wallet', async () => {
    const { s, page } = h;
    await nav(page, 'Wallets');
    const usd = page.locator(`article[data-wallet="${s.walletId}"]`);
    const before = await available(s.walletId);
    await usd.getByLabel(/Add sandbox funds/).fill('0.005');
    await usd.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(() => usd.getByRole('alert').textContent()).toContain('at most 2 decimals');
    await usd.getByLabel(/Add sandbox funds/).fill('0');
    await usd.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(() => usd.getByRole('alert').textContent()).toContain('more than zero');
    await usd.getByLabel(/Add sandbox funds/).fill('12.34');
    await usd.getByRole('button', { name: 'Fund' }).click();
    await expect.poll(() => available(s.walletId)).toBe(before + 1234);
  });

  it('shows example amounts in the currency of the card’s policy and of the transfer', async () => {
    const { s, page } = h;
    await nav(page, 'Cards');
    const limit = page.getByLabel('Spend limit (optional)');
    await page.getByLabel('Policy', { exact: true }).selectOption(s.policyId);
    expect(await limit.getAttribute('placeholder')).toBe('200.00');
    await page.getByLabel('Policy', { exact: true }).selectOption(yenPolicy);
    expect(await limit.getAttribute('placeholder')).toBe('200');
    await limit.fill('199.5');
    await limit.blur();
    await expect.poll(() => page.locator('#card-spend_limit_cents-error').textContent()).toContain('JPY has no decimals');

    await nav(page, 'Transfers');
    const amount = page.getByLabel('Amount');
    await page.getByLabel('Currency').selectOption('usd');
    expect(await amount.getAttribute('placeholder')).toBe('12.00');
    await page.getByLabel('Currency').selectOption('jpy');
    expect(await amount.getAttribute('placeholder')).toBe('12');
  });
});
