import { describe, expect, it } from 'vitest';
import { fileHarness } from './harness.js';

/**
 * A page that refreshes itself never stacks requests on a slow server: the approvals queue polls
 * every 3 s, and with every answer taking 4 s there is still one request in flight at a time.
 */
const h = fileHarness();

describe('polling a slow server', () => {
  it('never overlaps itself', async () => {
    const { page, s } = h;
    let inFlight = 0;
    let most = 0;
    let sent = 0;
    await page.route(/\/v1\/approvals\?.*status=pending/, async (route) => {
      sent++;
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 4000));
      inFlight--;
      await route.continue().catch(() => undefined);
    });
    await page.goto(`${s.url}/approvals`);
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    // Long enough for four ticks of a 3 s timer: a setInterval would have had two or more in flight.
    await page.waitForTimeout(12_500);
    expect(sent).toBeGreaterThanOrEqual(2);
    expect(most).toBe(1);
    await page.unroute(/\/v1\/approvals\?.*status=pending/);
  });
});
