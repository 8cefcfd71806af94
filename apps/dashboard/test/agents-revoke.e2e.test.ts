import { describe, expect, it } from 'vitest';
import { api } from '../../../packages/server/test/helpers/server.js';
import { expectAccessible, fileHarness, nav, shot, type Harness } from './harness.js';

/**
 * Revoking an agent (or a key) cannot be undone: the page asks first, in a modal dialog, and the
 * Agents page keeps every row's Pause and Revoke in view at desktop width even with long names and leases.
 */
let child: string;

async function createAgent(h: Harness, name: string, parent?: string): Promise<string> {
  const { s } = h;
  const r = await api(s.url, 'POST', '/v1/agents', { key: s.mgmt, body: { name, policy_id: s.policyId, ...(parent ? { parent_agent_id: parent } : {}) } });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body.id;
}

const h = fileHarness({
  // What an operator's list looks like after a while: long names, a child spending from a lease.
  seed: async (h) => {
    const parent = await createAgent(h, 'procurement-orchestrator-eu-west-production');
    child = await createAgent(h, 'invoice-reconciliation-subagent-nightly-batch', parent);
    await createAgent(h, 'market-research-assistant-for-the-pricing-team');
    const lease = await api(h.s.url, 'POST', '/v1/spend-guard/budget-leases', {
      key: h.s.mgmt,
      body: { parent_agent_id: parent, child_agent_id: child, amount_cents: 31_990, currency: 'usd' },
    });
    expect(lease.status, JSON.stringify(lease.body)).toBe(201);
  },
});

const agentStatus = async (id: string) => (await api(h.s.url, 'GET', `/v1/agents/${id}`, { key: h.s.mgmt })).body.status as string;

describe('revoking an agent', () => {
  it('keeps every row’s Pause and Revoke inside the visible table at 1280 px', async () => {
    const { page } = h;
    await page.setViewportSize({ width: 1280, height: 860 });
    await nav(page, 'Agents');
    const row = page.locator(`tr[data-agent="${child}"]`);
    await expect.poll(() => row.textContent()).toContain('left of');
    const hidden = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLButtonElement>('tr[data-agent] td.actions button')]
        .filter((b) => {
          const box = b.getBoundingClientRect();
          const frame = b.closest('.table-wrap')!.getBoundingClientRect();
          return box.left < frame.left || box.right > frame.right || box.right > document.documentElement.clientWidth;
        })
        .map((b) => b.getAttribute('aria-label')),
    );
    expect(hidden).toEqual([]);
    await shot(page, 'agents-row-actions');
  });

  it('asks in a dialog first: Escape and Cancel leave the agent active, focus back on Revoke', async () => {
    const { page } = h;
    await nav(page, 'Agents');
    const name = 'invoice-reconciliation-subagent-nightly-batch';
    const revoke = page.getByRole('button', { name: `Revoke ${name}` });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: `Revoke ${name}?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('cannot be undone');
    // Focus starts on the harmless choice, inside the dialog.
    expect(await page.evaluate(() => document.activeElement?.closest('dialog') !== null && document.activeElement?.textContent)).toBe('Cancel');
    await expectAccessible(page, 'agents revoke dialog');
    await page.screenshot({ path: new URL('../test-artifacts/agents-revoke-dialog.png', import.meta.url).pathname });

    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe(`Revoke ${name}`);
    expect(await agentStatus(child)).toBe('active');

    await revoke.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await agentStatus(child)).toBe('active');

    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke agent' }).click();
    await expect.poll(() => agentStatus(child)).toBe('revoked');
    await expect.poll(() => page.locator(`tr[data-agent="${child}"]`).textContent()).toContain('revoked');
    expect(await revoke.count()).toBe(0);
  });

  it('asks before revoking a key too, and says so when it is the key this session signed in with', async () => {
    const { s, page } = h;
    const ops = await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'ops' } });
    const keyStatus = async () => ((await api(s.url, 'GET', '/v1/api-keys?limit=100', { key: s.mgmt })).body.data.find((k: { id: string }) => k.id === ops.body.id).revoked_at === null ? 'active' : 'revoked');
    await nav(page, 'Keys');
    const revoke = page.getByRole('button', { name: `Revoke key ${ops.body.prefix}` });
    await revoke.click();
    const dialog = page.getByRole('dialog', { name: `Revoke key ${ops.body.prefix}…?` });
    await dialog.waitFor();
    expect(await dialog.textContent()).not.toContain('you will be signed out');
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(await keyStatus()).toBe('active');
    await revoke.click();
    await dialog.getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(keyStatus).toBe('revoked');

    const own = (await page.locator('.who span').textContent())!.replace(/…$/, '');
    await page.getByRole('button', { name: `Revoke key ${own}` }).click();
    expect(await page.getByRole('dialog').textContent()).toContain('the key this session signed in with: you will be signed out');
    await page.keyboard.press('Escape');
  });
});
