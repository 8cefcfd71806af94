import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../../server/test/helpers/server.js';

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
    // util-linux `script` gives the demo a real pseudo-terminal.
    const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(bin)} agent demo`;
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      env: { ...process.env, BURSAR_API_URL: s.url, BURSAR_SPEND_KEY: s.spend, BURSAR_API_KEY: '', BURSAR_DEMO_NO_BROWSER: '1', TERM: 'dumb' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += String(d)));
    child.stderr!.on('data', (d) => (out += String(d)));
    const waitFor = async (re: RegExp, from = 0) => {
      const deadline = Date.now() + 20_000;
      while (Date.now() < deadline) {
        const m = re.exec(out.slice(from));
        if (m) return m;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`timed out waiting for ${re}:\n${out}`);
    };
    try {
      await waitFor(/› /);
      child.stdin!.write('1\r');
      await waitFor(/Price of the paid API call/);
      child.stdin!.write('30000\r');
      await waitFor(/HTTP 402: it asks for 300\.00 USD/);
      const link = await waitFor(/Approve or decline here:\s+(\S+)/);
      expect(link[1]).toMatch(/req_\w+/);
      const pending = await api(s.url, 'GET', '/v1/approvals?status=pending', { key: s.mgmt });
      expect(pending.body.data).toHaveLength(1);
      await api(s.url, 'POST', `/v1/approvals/${pending.body.data[0].id}/approve`, { key: s.mgmt, body: { override_budget: true } });
      await waitFor(/Paid and retried: HTTP 200/);
      await waitFor(/the ledger has the capture\.[\s\S]*› /);
      child.stdin!.write('q\r');
      const code = await new Promise((r) => child.once('exit', r));
      expect(code).toBe(0);
      expect(out).toContain('Bye.');
      expect(out).not.toContain(s.spend);
      const spends = await api(s.url, 'GET', '/v1/spend-requests?status=completed', { key: s.mgmt });
      expect(spends.body.data[0]).toMatchObject({ amount_cents: 30000, status: 'completed' });
    } finally {
      child.kill('SIGKILL');
    }
  });
});
