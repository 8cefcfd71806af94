import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../packages/server/test/helpers/server.js';

const dir = fileURLToPath(new URL('../../examples/agent-spend-quickstart/', import.meta.url));
const run = promisify(execFile);

/** Runs the quickstart as `npm start` does, with .env.example as its .env; the test's environment overrides it. */
function quickstart(env: Record<string, string>) {
  return run(process.execPath, ['--env-file=.env.example', 'quickstart.mjs'], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env } });
}

describe('examples/agent-spend-quickstart', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('refuses the placeholder key from .env.example', async () => {
    const err = (await quickstart({}).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/Set BURSAR_API_KEY/);
  });

  it('create → approved → reconcile (captured)', async () => {
    const { stdout } = await quickstart({ BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend });
    expect(stdout).toMatch(/1\. asked for 12\.00 USD at AWS: approved/);
    const last = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(last).toMatchObject({ status: 'completed', captured_amount_cents: 1200 });
  });

  it('create → needs_approval → wait → approved by a human → reconcile', async () => {
    const approver = setInterval(async () => {
      const pending = await api(s.url, 'GET', '/v1/approvals?status=pending', { key: s.mgmt });
      for (const a of pending.body.data) await api(s.url, 'POST', `/v1/approvals/${a.id}/approve`, { key: s.mgmt, body: { override_budget: true } });
    }, 200);
    try {
      const { stdout } = await quickstart({ BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend, AMOUNT_CENTS: '30000', MERCHANT: 'OpenAI', POLL_SECONDS: '0.2' });
      expect(stdout).toMatch(/needs_approval/);
      expect(stdout).toMatch(/2\. a human must decide: \S+req_/);
      expect(stdout).toMatch(/decided: approved/);
      expect(JSON.parse(stdout.trim().split('\n').at(-1)!)).toMatchObject({ status: 'completed', captured_amount_cents: 30000 });
    } finally {
      clearInterval(approver);
    }
  });
});
