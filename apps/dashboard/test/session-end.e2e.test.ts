import { describe, expect, it } from 'vitest';
import { api } from '../../../packages/server/test/helpers/server.js';
import { fileHarness, nav, signIn } from './harness.js';

/**
 * When the session ends under the operator (its key revoked, signed out elsewhere, expired),
 * any API answer 401 sends them back to sign-in, on pages that refresh themselves and after an
 * action alike; signing in again returns to the page they were on.
 */
const h = fileHarness({ signedIn: false });

const signInForm = () => h.page.getByLabel('Management key');

/** Signs the browser's session out from outside the page, as another tab would. */
async function endSessionElsewhere(): Promise<void> {
  const { s } = h;
  const cookie = (await h.context.cookies(s.url)).find((c) => c.name === 'bursar_session')!;
  const headers = { cookie: `bursar_session=${cookie.value}` };
  const session = await api(s.url, 'GET', '/v1/dashboard/session', { headers });
  expect((await api(s.url, 'DELETE', '/v1/dashboard/session', { headers: { ...headers, 'x-csrf-token': session.body.csrf_token } })).status).toBeLessThan(300);
}

async function expectSignInAgain(path: string): Promise<void> {
  const { page } = h;
  await signInForm().waitFor();
  expect(await page.getByTestId('session-ended').textContent()).toContain('Your session has ended');
  expect(new URL(page.url()).pathname).toBe(path);
}

describe('a session that ends under the operator', () => {
  it('sends a page that refreshes itself back to sign-in when its key is revoked, then returns there', async () => {
    const { s, page } = h;
    const ops = (await api(s.url, 'POST', '/v1/api-keys', { key: s.mgmt, body: { type: 'management', name: 'ops' } })).body;
    await page.goto(s.url);
    await signInForm().fill(ops.key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await nav(page, 'Approvals');
    await page.getByText(/waiting · refreshes every few seconds/).waitFor();

    expect((await api(s.url, 'DELETE', `/v1/api-keys/${ops.id}`, { key: s.mgmt })).status).toBe(200);
    // No click: the queue's own refresh meets the 401.
    await expectSignInAgain('/approvals');
    expect(await page.getByText('Check that the server is running').count()).toBe(0);

    await signInForm().fill(s.mgmt);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Approvals', level: 1 }).waitFor();
    expect(await page.getByTestId('session-ended').count()).toBe(0);
  });

  it('sends the overview back to sign-in when the session is signed out elsewhere', async () => {
    const { page } = h;
    await nav(page, 'Overview');
    await page.getByTestId('pending-count').filter({ hasText: /^\d+$/ }).waitFor();
    await endSessionElsewhere();
    await expectSignInAgain('/');
  });

  it('sends an action answered 401 back to sign-in, on a page that does not refresh itself', async () => {
    const { page } = h;
    await signIn(h);
    await nav(page, 'Keys');
    await page.getByRole('heading', { name: 'Keys', level: 1 }).waitFor();
    // The form is ready once the agents have loaded (the button is enabled then); ending the
    // session before that lets the agents' own fetch meet the 401 first.
    await page.locator('form.create-key button[type=submit]:not([disabled])').waitFor();
    await endSessionElsewhere();
    await page.getByRole('button', { name: 'Create key' }).click();
    await expectSignInAgain('/keys');
  });
});
