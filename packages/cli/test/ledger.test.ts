import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../../server/test/helpers/server.js';

const run = promisify(execFile);
const bin = fileURLToPath(new URL('../bin/bursar.js', import.meta.url));

async function bursar(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, ...env } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('bursar ledger', () => {
  let s: TestServer;
  let env: Record<string, string>;
  beforeAll(async () => {
    s = await startTestServer();
    env = { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt };
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1234, { merchant_name: 'Vendor, "Quoted" Inc' }) });
    await api(s.url, 'POST', `/v1/spend-requests/${r.body.id}/complete`, { key: s.spend, body: { amount_cents: 1000 } });
  });
  afterAll(() => s.close());

  it('verify reports an intact ledger and exits 0', async () => {
    const r = await bursar(['ledger', 'verify'], env);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ledger ok: 1 wallets, 3 transactions verified/);
    const json = await bursar(['ledger', 'verify', '--json'], env);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, transactions_checked: 3 });
  });

  it('verify exits 1 and names the broken link when a row was rewritten', async () => {
    const tampered = await startTestServer();
    try {
      await tampered.server.db.db.updateTable('ledger_transactions').set({ description: 'rewritten' }).execute();
      const r = await bursar(['ledger', 'verify'], { BURSAR_API_URL: tampered.url, BURSAR_API_KEY: tampered.mgmt });
      expect(r.code).toBe(1);
      expect(r.stdout).toMatch(/ledger BROKEN at wallet wal_\w+, transaction txn_\w+: hash does not match/);
    } finally {
      await tampered.close();
    }
  });

  it('exports one CSV row per posting, oldest first, with quoting', async () => {
    const r = await bursar(['ledger', 'export', '--format', 'csv'], env);
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('transaction_id,created_at,wallet_id,sequence,type,spend_request_id,description,account,amount_cents,currency,hash');
    // funding (2 postings) + hold (2) + capture (3: held, merchants, available)
    expect(lines).toHaveLength(1 + 2 + 2 + 3);
    expect(lines[1]).toMatch(/,funding,/);
    expect(lines[5]).toMatch(/,"Capture 1000 of 1234 for req_\w+ at Vendor, ""Quoted"" Inc",/);
    // Postings balance: the amount is the third field from the end of every row.
    expect(lines.slice(1).map((l) => Number(l.split(',').at(-3))).reduce((a, b) => a + b, 0)).toBe(0);
  });

  it('exports JSON lines that parse, one per transaction', async () => {
    const r = await bursar(['ledger', 'export', '--format', 'jsonl'], env);
    const rows = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(rows.map((x) => x.type)).toEqual(['funding', 'hold', 'capture']);
    expect(rows.map((x) => x.sequence)).toEqual([1, 2, 3]);
  });

  it('fails clearly without a key, with a bad format, and with a wrong key', async () => {
    const noKey = await bursar(['ledger', 'verify'], { BURSAR_API_URL: s.url, BURSAR_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toMatch(/no API key/);
    const badFormat = await bursar(['ledger', 'export', '--format', 'xml'], env);
    expect(badFormat.code).toBe(2);
    const wrong = await bursar(['ledger', 'verify'], { ...env, BURSAR_API_KEY: 'bmk_test_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toMatch(/invalid_api_key/);
  });
});

describe('bursar ledger export --audit', () => {
  it('exports the audit log with the ledger: oldest first, as JSONL or CSV', async () => {
    const s = await startTestServer();
    try {
      const env = { BURSAR_API_URL: s.url, BURSAR_API_KEY: s.mgmt };
      await api(s.url, 'PUT', `/v1/policies/${s.policyId}`, { key: s.mgmt, body: { monthly_limit_cents: 1234 } });
      const jsonl = await bursar(['ledger', 'export', '--audit', '--format', 'jsonl'], env);
      expect(jsonl.code).toBe(0);
      const entries = jsonl.stdout.trim().split('\n').map((l) => JSON.parse(l));
      expect(entries[0]).toMatchObject({ object: 'audit_entry', actor_type: 'system' });
      expect(entries.at(-1)).toMatchObject({ action: 'policy.updated', actor_type: 'operator', object_id: s.policyId, after: { monthly_limit_cents: 1234 } });
      const csv = await bursar(['ledger', 'export', '--audit'], env);
      expect(csv.code).toBe(0);
      const lines = csv.stdout.trim().split('\n');
      expect(lines[0]).toBe('id,created_at,actor_type,actor_id,action,object_type,object_id,before,after');
      expect(lines).toHaveLength(entries.length + 1);
      expect(lines.at(-1)).toMatch(/,policy\.updated,policy,pol_\w+,"\{""/);
    } finally {
      await s.close();
    }
  });
});

describe('bursar migrate', () => {
  it('creates the schema in a new data dir, then finds it current', async () => {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'bursar-migrate-'));
    try {
      const first = await bursar(['migrate', '--data-dir', dir], {});
      expect(first.code).toBe(0);
      expect(first.stdout).toMatch(/^sqlite: applied \d+ migration\(s\): 0001_foundation, 0002_webhooks/);
      const again = await bursar(['migrate', '--data-dir', dir], {});
      expect(again.stdout).toBe('sqlite: schema already up to date\n');
      const bad = await bursar(['migrate'], { DATABASE_URL: 'mysql://nope' });
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/DATABASE_URL/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
