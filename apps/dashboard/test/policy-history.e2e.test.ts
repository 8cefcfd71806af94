import { describe, expect, it } from 'vitest';
import { copiesOfDecision } from '../../../packages/server/test/helpers/history.js';
import { api, spendBody } from '../../../packages/server/test/helpers/server.js';
import { expectAccessible, fileHarness, seedPost, shot, type Harness } from './harness.js';

/**
 * A policy's page tells its history: the budget alerts its windows raised, every version with
 * who made it and what it changed, and a draft compared with the recorded decisions before it is
 * saved, with the replay's progress shown while it runs.
 */
const ids: Record<string, string> = {};
const spends: string[] = [];

async function seed(h: Harness): Promise<void> {
  const { s } = h;
  const post = (path: string, body: unknown, key = s.mgmt) => seedPost(s, path, body, key);
  // $500 a month; ten approved $45 requests cross 80% ($400) with the ninth.
  ids.policy = (await post('/v1/policies', { name: 'Backtested team', currency: 'usd', monthly_limit_cents: 50_000 })).id;
  const agent = (await post('/v1/agents', { name: 'analyst', policy_id: ids.policy })).id;
  const key = (await post('/v1/api-keys', { agent_id: agent })).key as string;
  for (let i = 0; i < 10; i++) spends.push((await post('/v1/spend-requests', spendBody(4_500), key)).id);
  // Version 2: a human is asked above $1,000.
  const put = await api(s.url, 'PUT', `/v1/policies/${ids.policy}`, { key: s.mgmt, body: { require_approval_over_cents: 100_000 } });
  expect(put.status).toBe(200);
  // A policy with a long history, for the progress bar: 40,000 decisions replay in a few hundred pages' time.
  ids.busy = (await post('/v1/policies', { name: 'Busy team', currency: 'usd' })).id;
  const busyAgent = (await post('/v1/agents', { name: 'worker', policy_id: ids.busy })).id;
  const busyKey = (await post('/v1/api-keys', { agent_id: busyAgent })).key as string;
  const first = await post('/v1/spend-requests', spendBody(100), busyKey);
  await copiesOfDecision(s, first.id, 39_999);
}

const h = fileHarness({ seed });

describe('a policy’s history on its page', () => {
  it('shows the budget alert its monthly window raised', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/policies/${ids.policy}`);
    const alerts = page.getByRole('list', { name: 'Recent budget alerts' });
    const alert = alerts.locator('[data-threshold="80"]');
    await alert.waitFor();
    expect(await alerts.locator('[data-budget-alert]').count()).toBe(1);
    // Crossed by the ninth approval: eight held before it, nothing captured yet.
    expect(await alert.textContent()).toMatch(/^80% of the monthly budget reached\$0\.00 spent \+ \$405\.00 held of \$500\.00/);
    // The other policy has none, and says at which thresholds it would alert.
    await page.goto(`${s.url}/policies/${ids.busy}`);
    await page.getByText('No budget alert yet. This policy alerts at 80% and 100% of each budget.').waitFor();
    // The overview lists every policy's alerts, each naming its policy.
    await page.goto(s.url);
    const overview = page.getByRole('list', { name: 'Recent budget alerts' });
    await overview.locator('[data-threshold="80"]').waitFor();
    // Policy names arrive with their own request.
    await expect.poll(() => overview.textContent()).toContain('Backtested team');
  });

  it('lists every version: which key made it, when, and what it changed', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/policies/${ids.policy}`);
    const v2 = page.locator('tr[data-policy-version="2"]');
    await v2.waitFor();
    expect(await v2.getByRole('cell').first().textContent()).toBe('v2 (current)');
    expect(await v2.textContent()).toContain('Ask a human above: none → $1,000.00');
    // The management key that made both, by its prefix.
    const keys: Array<{ id: string; prefix: string }> = (await api(s.url, 'GET', '/v1/api-keys?limit=100', { key: s.mgmt })).body.data;
    const by = (await v2.locator('td[data-label="By"]').textContent()) ?? '';
    expect(keys.some((k) => by.includes(`${k.prefix}…`)), by).toBe(true);
    expect(await page.locator('tr[data-policy-version="1"] td[data-label="Changes"]').textContent()).toBe('Created');
    await expectAccessible(page, 'policy versions');
  });

  it('compares a draft with history before it is saved', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/policies/${ids.policy}`);
    await page.getByLabel('Monthly budget').fill('225');
    await page.getByRole('button', { name: 'Compare with history' }).click();
    const result = page.locator('[data-simulation-result]');
    await result.waitFor();
    expect(await result.textContent()).toContain('10 recorded decisions replayed: 5 unchanged, 5 would change.');
    expect(await result.locator('[data-change="approved_to_declined"]').textContent()).toBe('approved → declined: 5');
    // The last five, oldest first, each a link to its request.
    const examples = await result.locator('tr[data-simulation-example]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-simulation-example')));
    expect(examples).toEqual(spends.slice(5));
    expect(await result.locator('tr[data-simulation-example] td[data-label="Why"]').first().textContent()).toBe('exceeds monthly budget');
    // Nothing was saved.
    expect((await api(s.url, 'GET', `/v1/policies/${ids.policy}`, { key: s.mgmt })).body).toMatchObject({ monthly_limit_cents: 50_000, version: 2 });
    // Editing the form again says the comparison is of the earlier draft.
    await page.getByLabel('Monthly budget').fill('300');
    await page.getByText('The form has changed since this comparison').waitFor();
    await shot(page, 'policy-history');
  });

  it('shows the progress of a long replay, then its result', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/policies/${ids.busy}`);
    await page.getByRole('heading', { name: 'Edit Busy team' }).waitFor();
    // Every label the progress bar had, as the page rendered it.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { progressSeen: string[] }).progressSeen = seen;
      new MutationObserver(() => {
        const label = document.querySelector('label[for="simulation-progress"]')?.textContent;
        if (label && seen.at(-1) !== label) seen.push(label);
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    });
    await page.getByLabel('Largest single spend').fill('0.50');
    await page.getByRole('button', { name: 'Compare with history' }).click();
    await page.locator('[data-simulation-result]').waitFor({ timeout: 60_000 });
    const seen = await page.evaluate(() => (window as unknown as { progressSeen: string[] }).progressSeen);
    expect(seen.some((l) => /^Replaying recorded decisions: [\d,]+ of 40,000$/.test(l)), seen.join('\n')).toBe(true);
    expect(await page.locator('[data-simulation-result]').textContent()).toContain('40,000 recorded decisions replayed: 0 unchanged, 40,000 would change.');
    expect(await page.locator('progress').count()).toBe(0);
  });
});
