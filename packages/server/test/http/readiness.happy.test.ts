import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';

const ids = [
  'server.version', 'server.migrations', 'server.clock',
  'money.ledger', 'money.balances', 'money.holds', 'money.expired_holds',
  'live.public_url', 'live.test_credentials', 'live.rate_limits', 'live.session_cookie',
  'webhooks.endpoints', 'webhooks.outbox',
  'secrets.encryption_key', 'secrets.key_matches_database', 'secrets.signing_keys',
  'backups.database',
];

async function readiness(s: TestServer) {
  const r = await api(s.url, 'GET', '/v1/readiness', { key: s.mgmt });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as { object: string; ok: boolean; checks: Array<{ id: string; title: string; status: string; evidence: string; fix: string | null }> };
}

const statusOf = (report: Awaited<ReturnType<typeof readiness>>, id: string) => report.checks.find((c) => c.id === id)!;

/** A server whose sweeper never runs after its first tick, so a test can leave a hold past its expiry. */
async function quietServer(env: Record<string, string> = {}) {
  return startTestServer({ BURSAR_SWEEP_INTERVAL_SECONDS: '3600', ...env });
}

describe('GET /v1/readiness on a healthy server', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await quietServer({ BURSAR_RATE_LIMIT_RPS: '50' });
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(1500) });
    expect(r.body.status).toBe('approved');
  });
  afterAll(() => s.close());

  it('answers every check with its evidence, and ok', async () => {
    const report = await readiness(s);
    expect(report.object).toBe('readiness');
    expect(report.checks.map((c) => c.id)).toEqual(ids);
    for (const c of report.checks) {
      expect(c.title.length).toBeGreaterThan(0);
      expect(c.evidence.length).toBeGreaterThan(0);
      expect(['pass', 'warn', 'fail']).toContain(c.status);
      expect(c.fix === null).toBe(c.status === 'pass');
    }
    expect(report.ok).toBe(true);
  });

  it('passes the server, money, webhook, secret and backup checks, naming what it saw', async () => {
    const report = await readiness(s);
    for (const id of ids.filter((i) => !i.startsWith('live.public_url') && !i.startsWith('live.session_cookie') && i !== 'secrets.encryption_key' && i !== 'backups.database')) {
      expect(statusOf(report, id).status, `${id}: ${statusOf(report, id).evidence}`).toBe('pass');
    }
    expect(statusOf(report, 'money.holds').evidence).toMatch(/hold 1500 cents in all/);
    expect(statusOf(report, 'live.rate_limits').evidence).toMatch(/RateLimit-Limit 100/);
    // A sandbox without an https public URL only warns.
    expect(statusOf(report, 'live.public_url').status).toBe('warn');
    if (s.server.db.kind === 'sqlite') {
      expect(statusOf(report, 'secrets.encryption_key')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/encryption\.key, mode 0600/) });
      expect(statusOf(report, 'backups.database')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/journal_mode=wal/) });
    }
  });
});

describe('GET /v1/readiness finds what is wrong', () => {
  let s: TestServer;
  afterAll(() => s?.close());

  it('fails the ledger check when a posting was tampered with', async () => {
    s = await quietServer();
    await s.server.db.db.updateTable('ledger_transactions').set({ postings: JSON.stringify([{ account: 'x', amount_cents: 0, currency: 'usd' }]) }).execute();
    const report = await readiness(s);
    expect(report.ok).toBe(false);
    expect(statusOf(report, 'money.ledger')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/hash does not match/), fix: expect.any(String) });
    await s.close();
  });

  it('fails the balance and hold checks when a wallet holds money no request holds', async () => {
    s = await quietServer();
    const w = await s.server.db.db.selectFrom('wallets').selectAll().where('id', '=', s.walletId).executeTakeFirstOrThrow();
    await s.server.db.db.updateTable('wallets').set({ held_cents: w.held_cents + 700 }).where('id', '=', w.id).execute();
    const report = await readiness(s);
    expect(statusOf(report, 'money.ledger').status).toBe('pass');
    expect(statusOf(report, 'money.balances')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/stored balances/) });
    expect(statusOf(report, 'money.holds')).toMatchObject({ status: 'fail', evidence: expect.stringMatching(/holds 700 cents but its open approved requests hold 0/) });
    await s.close();
  });

  it('fails when a hold is long past its expiry (the sweeper is not running)', async () => {
    s = await quietServer();
    const r = await api(s.url, 'POST', '/v1/spend-requests', { key: s.spend, body: spendBody(900) });
    await s.server.db.db.updateTable('spend_requests').set({ expires_at: Date.now() - 10 * 60_000 }).where('id', '=', r.body.id).execute();
    const report = await readiness(s);
    expect(statusOf(report, 'money.expired_holds')).toMatchObject({ status: 'fail', evidence: expect.stringContaining(r.body.id) });
    await s.close();
  });

  it('fails when a live workspace still has a test key and a sandbox wallet', async () => {
    s = await quietServer();
    await s.server.db.db.updateTable('workspaces').set({ livemode: 1 }).execute();
    const report = await readiness(s);
    expect(report.ok).toBe(false);
    const c = statusOf(report, 'live.test_credentials');
    expect(c.status).toBe('fail');
    expect(c.evidence).toMatch(/test key key_\w+ \(bsk_test_/);
    expect(c.evidence).toMatch(new RegExp(`sandbox wallet ${s.walletId}`));
    // Live now: no https public URL is a failure, no longer a warning.
    expect(statusOf(report, 'live.public_url').status).toBe('fail');
    await s.close();
  });

  it('warns, without failing, when an endpoint has been failing for a day', async () => {
    s = await quietServer();
    const e = await api(s.url, 'POST', '/v1/webhooks', { key: s.mgmt, body: { url: 'http://127.0.0.1:9/hooks', events: ['spend_request.approved'] } });
    expect(e.status, JSON.stringify(e.body)).toBe(201);
    const healthy = await readiness(s);
    expect(statusOf(healthy, 'webhooks.endpoints')).toMatchObject({ status: 'pass', evidence: expect.stringMatching(/never succeeded, 0 pending/) });
    await s.server.db.db.updateTable('webhook_endpoints').set({ failing_since: Date.now() - 25 * 3600_000 }).where('id', '=', e.body.id).execute();
    const report = await readiness(s);
    expect(statusOf(report, 'webhooks.endpoints')).toMatchObject({ status: 'warn', evidence: expect.stringMatching(/failing since 25h 0m ago/), fix: expect.stringContaining(e.body.id) });
    expect(report.ok).toBe(true);
    await s.close();
  });

  it('fails when the database misses a migration this server knows', async () => {
    s = await quietServer();
    await s.server.db.db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0011_cancellation_reason' as never).execute();
    const report = await readiness(s);
    expect(statusOf(report, 'server.migrations')).toMatchObject({ status: 'fail', evidence: '1 pending: 0011_cancellation_reason' });
    await s.close();
  });
});
