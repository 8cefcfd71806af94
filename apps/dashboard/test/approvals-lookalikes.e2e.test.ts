import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, type TestServer } from '../../../packages/server/test/helpers/server.js';
import { nav, shot, signIn, startHarness, type Harness } from './harness.js';
import type { Page } from 'playwright-core';

/**
 * The approvals queue shows a merchant name as received: a name holding hidden or look-alike
 * characters is written out and marked, with a warning in words, so it cannot pass for the
 * merchant it imitates; a plain name shows as it always did.
 */
let h: Harness;
let s: TestServer;
let page: Page;

beforeAll(async () => {
  h = await startHarness();
  ({ s, page } = h);
  await signIn(h);
});

afterAll(async () => {
  await h?.close();
});

async function queued(merchantName: string) {
  const created = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(30_000, { merchant_name: merchantName, reason: 'look-alike check' }) });
  expect(created.body.status).toBe('needs_approval');
  return created.body as { id: string; approval_id: string };
}

describe('merchant names in the approvals queue', () => {
  it('writes out hidden characters, marks look-alikes and says so in words', async () => {
    const hidden = await queued('a\u200bws');
    const cyrillic = await queued('\u043epenai');
    const plain = await queued('Zephyr GPU Cloud');

    const approval = await api(s.url, 'GET', `/v1/approvals/${hidden.approval_id}`, { key: s.mgmt });
    expect(approval.body).toMatchObject({ merchant_name: 'a\u200bws', merchant_name_flags: ['hidden_characters'] });
    const plainApproval = await api(s.url, 'GET', `/v1/approvals/${plain.approval_id}`, { key: s.mgmt });
    expect(plainApproval.body).not.toHaveProperty('merchant_name_flags');

    await nav(page, 'Approvals');
    const card = (id: string) => page.locator(`article[data-spend-request="${id}"]`);
    await card(plain.id).waitFor();

    // The heading, and so the card's accessible name, carries the hidden character written out.
    await expect.poll(() => card(hidden.id).getByRole('heading').textContent()).toBe('$300.00 at a<U+200B>ws');
    const hiddenWarning = card(hidden.id).getByTestId('merchant-name-warning');
    expect(await hiddenWarning.textContent()).toContain('contains hidden or look-alike characters');
    expect(await hiddenWarning.textContent()).toContain('U+200B');

    // The Cyrillic о reads as `o`, so it is marked and named by its code point.
    const mark = card(cyrillic.id).locator('h2 mark');
    expect(await mark.textContent()).toBe('\u043e');
    expect(await mark.getAttribute('title')).toBe('U+043E');
    const cyrillicWarning = await card(cyrillic.id).getByTestId('merchant-name-warning').textContent();
    expect(cyrillicWarning).toContain('letters of scripts not written together');
    expect(cyrillicWarning).toContain('U+043E');

    expect(await card(plain.id).getByTestId('merchant-name-warning').count()).toBe(0);
    expect(await card(plain.id).locator('h2 mark, h2 code').count()).toBe(0);
    await shot(page, 'approvals-lookalikes');
  });
});
