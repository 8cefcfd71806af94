import { afterAll, describe, expect, it } from 'vitest';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { startReceiver, type Receiver } from '../../../packages/server/test/helpers/receiver.js';
import { expectAccessible, fileHarness, nav, seedPost, type Harness } from './harness.js';

/**
 * An endpoint's health tells the truth: one whose last attempts failed says "failing" in red
 * (failing since, last success), never a green "enabled"; old attempts never say "next retry" in
 * the past; the page tells the retry story of the server's schedule and disable rule.
 */
let failing = false;
let broken: Receiver;
let fine: Receiver;
const ids: Record<string, string> = {};

type Attempt = { delivery_id: string; attempt: number; succeeded: boolean; next_retry_at: string | null };

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  broken = await startReceiver(() => (failing ? 500 : 200));
  fine = await startReceiver(() => 200);
  ids.broken = (await post('/v1/webhooks', { url: broken.url, events: ['spend_request.*'] })).id;
  ids.fine = (await post('/v1/webhooks', { url: fine.url, events: ['spend_request.*'] })).id;
  ids.quiet = (await post('/v1/webhooks', { url: `${fine.url}/quiet`, events: ['receipt.*'] })).id;
  const attempts = async (id: string) => (await api(s.url, 'GET', `/v1/webhooks/${id}/deliveries?limit=100`, { key: s.mgmt })).body.data as Attempt[];
  const until = async (what: string, ok: () => Promise<boolean>) => {
    for (const stop = Date.now() + 20_000; !(await ok()); await new Promise((r) => setTimeout(r, 50))) {
      if (Date.now() > stop) throw new Error(`timed out waiting for ${what}`);
    }
  };

  // One event delivered, then the receiver breaks: the next event's every attempt fails (3 with this schedule).
  await post('/v1/spend-requests', spendBody(100), s.spend);
  await until('a success', async () => (await attempts(ids.broken)).some((a) => a.succeeded));
  failing = true;
  await post('/v1/spend-requests', spendBody(200), s.spend);
  await until('the last attempt', async () => (await attempts(ids.broken)).some((a) => !a.succeeded && a.attempt === 3));
  await until('two successes', async () => (await attempts(ids.fine)).filter((a) => a.succeeded).length >= 2);
}

const h = fileHarness({ env: { BURSAR_WEBHOOK_RETRY_SCHEDULE: '0.2,0.2', BURSAR_WEBHOOK_TIMEOUT_SECONDS: '2' }, seed });

afterAll(async () => {
  await broken?.close();
  await fine?.close();
});

describe('webhook endpoint health', () => {
  it('shows a failing endpoint as failing, in red and in words, with when it began and its last success', async () => {
    const { page } = h;
    await nav(page, 'Webhooks');
    const card = page.locator(`article[data-endpoint="${ids.broken}"]`);
    const badge = card.locator('header .badge');
    await expect.poll(() => badge.textContent()).toBe('⚠ Enabled · failing');
    expect(await badge.evaluate((el) => getComputedStyle(el).color)).toBe('rgb(155, 44, 32)');
    const facts = (await card.locator('.facts').textContent()) ?? '';
    expect(facts).toMatch(/Failing since.*\(3 failed attempts in a row\)/);
    expect(facts).toMatch(/Last success(?!never)/);
    expect(facts).not.toContain('Last successnever');

    await expect.poll(() => page.locator(`article[data-endpoint="${ids.fine}"] header .badge`).textContent()).toBe('Enabled · healthy');
    await expect.poll(() => page.locator(`article[data-endpoint="${ids.quiet}"] header .badge`).textContent()).toBe('Enabled');
    expect(await page.locator(`article[data-endpoint="${ids.quiet}"] .facts`).textContent()).toContain('nothing delivered yet');
    await expectAccessible(page, 'webhook health');
  });

  it('tells the retry story of the server’s schedule and disable rule', async () => {
    const { page } = h;
    await nav(page, 'Webhooks');
    const story = (await page.getByTestId('retry-story').textContent()) ?? '';
    // BURSAR_WEBHOOK_RETRY_SCHEDULE's default (5,300,1800,7200,18000,36000,36000 s) and the README's words.
    expect(story).toContain('immediately, then retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h with jitter');
    expect(story).toContain('about 28 hours');
    expect(story).toContain('A 410 disables the endpoint, and so do 5 days of failures');
    expect(await page.locator('main').textContent()).not.toContain('three days');
  });

  it('never says "next retry" in the past on the delivery log', async () => {
    const { page } = h;
    await page.locator(`article[data-endpoint="${ids.broken}"]`).getByRole('link', { name: 'Delivery log' }).click();
    await page.getByRole('heading', { name: 'Delivery log', level: 1 }).waitFor();
    await expect.poll(() => page.locator('header .badge').first().textContent()).toBe('⚠ Enabled · failing');
    const rows = page.locator('tr[data-delivery]');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(4);
    const notes = await rows.locator('td .hint').allTextContents();
    expect(notes.filter((n) => /next retry/.test(n) && /ago/.test(n))).toEqual([]);
    expect(notes).toContain('retried: attempt 2 failed');
    expect(notes).toContain('retried: attempt 3 failed');
    expect(notes).toContain('no retry scheduled');
    expect((await page.locator('main .facts').textContent()) ?? '').toContain('Failing since');
  });
});
