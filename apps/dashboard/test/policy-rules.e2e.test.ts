import { describe, expect, it } from 'vitest';
import { api } from '../../../packages/server/test/helpers/server.js';
import { fileHarness } from './harness.js';

/**
 * The policy form's approvals and alerts: who must approve and when to alert, checked by the
 * core schema's own rules as they are typed (the words the API would answer), then saved.
 */
const h = fileHarness();

describe('the policy form: approvals and alerts', () => {
  it('refuses what the API would refuse, in its words, and saves a quorum and thresholds', async () => {
    const { page, s } = h;
    await page.goto(`${s.url}/policies/${s.policyId}`);
    const quorum = page.getByLabel('Operators who must approve');
    const alerts = page.getByLabel('Alert at (% of each budget)');
    // Filled in from the policy: one operator, the default thresholds.
    await expect.poll(() => quorum.inputValue()).toBe('1');
    expect(await alerts.inputValue()).toBe('80, 100');

    await quorum.fill('7');
    await quorum.blur();
    await expect.poll(() => page.locator('#policy-approvals_required-error').textContent()).toContain('Must be a whole number from 1 to 5');
    await alerts.fill('50, 50');
    await alerts.blur();
    await expect.poll(() => page.locator('#policy-alert_thresholds_percent-error').textContent()).toContain('Must not repeat a threshold');
    await alerts.fill('10, 20, 30, 40, 50, 60');
    await expect.poll(() => page.locator('#policy-alert_thresholds_percent-error').textContent()).toContain('At most 5 thresholds');
    await alerts.fill('0.5');
    await expect.poll(() => page.locator('#policy-alert_thresholds_percent-error').textContent()).toContain('Must be a whole percent from 1 to 100');
    // Nothing is sent while a field is refused.
    await page.getByRole('button', { name: 'Save changes' }).click();
    expect((await api(s.url, 'GET', `/v1/policies/${s.policyId}`, { key: s.mgmt })).body.version).toBe(1);

    await quorum.fill('2');
    await alerts.fill('90%, 50%');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/^Saved “/).waitFor();
    expect((await api(s.url, 'GET', `/v1/policies/${s.policyId}`, { key: s.mgmt })).body).toMatchObject({ approvals_required: 2, alert_thresholds_percent: [50, 90] });

    // Empty turns alerts off.
    await page.goto(`${s.url}/policies/${s.policyId}`);
    await expect.poll(() => alerts.inputValue()).toBe('50, 90');
    await alerts.fill('');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByText(/^Saved “/).waitFor();
    expect((await api(s.url, 'GET', `/v1/policies/${s.policyId}`, { key: s.mgmt })).body.alert_thresholds_percent).toEqual([]);
  });
});
