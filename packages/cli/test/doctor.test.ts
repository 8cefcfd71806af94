import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../server/test/helpers/server.js';
import { bursar, json } from './support.js';

describe('bursar doctor', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '3600' });
  });
  afterAll(() => s.close());

  it('--json prints the report and exits 0 when nothing fails', async () => {
    const r = await bursar(['doctor', '--json'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt });
    expect(r.code, r.stderr).toBe(0);
    const report = json(r);
    expect(report).toMatchObject({ object: 'readiness', ok: true });
    expect(report.checks.find((c: { id: string }) => c.id === 'money.ledger').status).toBe('pass');
  });

  it('prints text by default and the go-live packet with --markdown', async () => {
    const text = await bursar(['doctor'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Bursar readiness of http:\/\/127\.0\.0\.1:\d+: \d+ pass, \d+ warn, 0 fail, nothing fails/);
    expect(text.stdout).toMatch(/\nWARN {2}live\.public_url +BURSAR_PUBLIC_URL is https\n +public URL http:.*\n +fix: /);
    const md = await bursar(['doctor', '--markdown'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt });
    expect(md.code).toBe(0);
    expect(md.stdout).toMatch(/^# Bursar go-live packet\n/);
    expect(md.stdout).toMatch(/\*\*Go: no check fails\*\*/);
    expect(md.stdout).toMatch(/\| PASS \| Ledger verified \(every hash chain\) \(`money\.ledger`\) \|/);
  });

  it('reads the data dir directly with --data-dir', async () => {
    if (s.server.db.kind !== 'sqlite') return;
    const r = await bursar(['doctor', '--json', '--data-dir', s.dataDir], {});
    expect(r.code, r.stderr).toBe(0);
    expect(json(r).checks[0].evidence).toMatch(/inspected directly/);
  });

  it('exits 1 when a check fails, 2 without a key or data dir, 3 when the server cannot be reached', async () => {
    const tampered = await startTestServer();
    try {
      await tampered.server.db.db.updateTable('ledger_transactions').set({ description: 'rewritten' }).execute();
      const r = await bursar(['doctor', '--json'], { BURSAR_API_URL: tampered.url, BURSAR_API_KEY: tampered.mgmt });
      expect(r.code).toBe(1);
      expect(json(r).ok).toBe(false);
    } finally {
      await tampered.close();
    }
    const none = await bursar(['doctor'], { DATABASE_URL: '' });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no management key/);
    const spending = await bursar(['doctor', '--json'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.spend });
    expect(spending.code).toBe(3);
    expect(spending.stderr).toMatch(/forbidden/);
  });
});
