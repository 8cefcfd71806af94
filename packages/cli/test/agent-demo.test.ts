import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { startInPty } from './pty.js';

const bin = fileURLToPath(new URL('../bin/bursar.js', import.meta.url));
const run = promisify(execFile);

describe('bursar agent demo', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('says it needs a terminal when stdin is not a TTY', async () => {
    const err = (await run(process.execPath, [bin, 'agent', 'demo', '--key', s.spend], { env: { ...process.env } }).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toMatch(/needs a terminal \(TTY\)/);
  });

  it('walks the machine-spend flow in a pseudo-terminal: 402, needs_approval, approval, paid retry', async () => {
    const demo = startInPty(['agent', 'demo'], { BURSAR_API_URL: s.url, BURSAR_SPEND_KEY: s.spend, BURSAR_API_KEY: '', BURSAR_DEMO_NO_BROWSER: '1' });
    try {
      await demo.waitFor(/› /);
      demo.type('1');
      await demo.waitFor(/Price of the paid API call/);
      demo.type('30000');
      await demo.waitFor(/HTTP 402: it asks for 300\.00 USD/);
      const link = await demo.waitFor(/Approve or decline here:\s+(\S+)/);
      expect(link[1]).toMatch(/req_\w+/);
      const pending = await api(s.url, 'GET', '/v1/approvals?status=pending', { key: s.mgmt });
      expect(pending.body.data).toHaveLength(1);
      await api(s.url, 'POST', `/v1/approvals/${pending.body.data[0].id}/approve`, { key: s.mgmt, body: { override_budget: true } });
      await demo.waitFor(/Paid and retried: HTTP 200/);
      await demo.waitFor(/the ledger has the capture\.[\s\S]*› /);
      demo.type('q');
      expect(await demo.exit()).toBe(0);
      expect(demo.output()).toContain('Bye.');
      expect(demo.output()).not.toContain(s.spend);
      const spends = await api(s.url, 'GET', '/v1/spend-requests?status=completed', { key: s.mgmt });
      expect(spends.body.data[0]).toMatchObject({ amount_cents: 30000, status: 'completed' });
    } finally {
      demo.kill();
    }
  });
});
