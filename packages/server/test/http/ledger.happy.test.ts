import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, spendBody, startTestServer, type TestServer } from '../helpers/server.js';
import { freshAgent, listAll, walletBalance } from './support.js';

describe('the ledger', () => {
  let s: TestServer;
  let txns: any[];
  beforeAll(async () => {
    s = await startTestServer();
    // A bit of everything: funding, holds, a partial capture, a release, an approval, a second wallet.
    await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 5_000 } });
    const eur = await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'eur' } });
    await api(s.url, 'POST', `/v1/wallets/${eur.body.id}/fund`, { key: s.mgmt, body: { amount_cents: 9_000 } });
    const ag = await freshAgent(s, { require_approval_over_cents: 20_000 }, 'ledgered');
    const a = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(3_000) });
    await api(s.url, 'POST', `/v1/spend-requests/${a.body.id}/complete`, { key: ag.key, body: { amount_cents: 1_000 } });
    const b = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(2_000) });
    await api(s.url, 'POST', `/v1/spend-requests/${b.body.id}/cancel`, { key: ag.key });
    const c = await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(25_000) });
    await api(s.url, 'POST', `/v1/approvals/${c.body.approval_id}/approve`, { key: s.mgmt, body: {} });
    await api(s.url, 'POST', '/v1/spend', { key: ag.key, body: spendBody(4_000) });
    txns = await listAll(s, '/v1/ledger/transactions', s.mgmt);
  });
  afterAll(() => s.close());

  it('lists every transaction with balanced postings that sum to zero per currency', () => {
    expect(txns.map((t) => t.type).reverse()).toEqual(['funding', 'funding', 'funding', 'hold', 'capture', 'hold', 'release', 'hold', 'hold']);
    for (const t of txns) {
      expect(t).toMatchObject({ object: 'ledger_transaction', id: expect.stringMatching(/^txn_/), hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(t.postings.length).toBeGreaterThanOrEqual(2);
      const sums = new Map<string, number>();
      for (const p of t.postings) {
        expect(Number.isSafeInteger(p.amount_cents)).toBe(true);
        sums.set(p.currency, (sums.get(p.currency) ?? 0) + p.amount_cents);
      }
      for (const sum of sums.values()) expect(sum).toBe(0);
    }
  });

  it('chains each wallet by sequence and hash, and its postings add up to its balances', async () => {
    const wallets = await listAll(s, '/v1/wallets', s.mgmt);
    expect(wallets).toHaveLength(2);
    for (const w of wallets) {
      const chain = txns.filter((t) => t.wallet_id === w.id).sort((x, y) => x.sequence - y.sequence);
      expect(chain.map((t) => t.sequence)).toEqual(chain.map((_, i) => i + 1));
      expect(chain[0].prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < chain.length; i++) expect(chain[i].prev_hash).toBe(chain[i - 1].hash);
      let available = 0;
      let held = 0;
      for (const t of chain) {
        for (const p of t.postings) {
          if (p.account === `${w.id}:available`) available += p.amount_cents;
          if (p.account === `${w.id}:held`) held += p.amount_cents;
        }
      }
      const balance = await walletBalance(s, w.id);
      expect({ available, held }).toEqual(balance);
    }
    expect(await walletBalance(s)).toEqual({ available: 100_000 + 5_000 - 1_000 - 25_000 - 4_000, held: 29_000 });
  });

  it('pages newest first over more than two pages with no gaps or repeats', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r: any = await api(s.url, 'GET', `/v1/ledger/transactions?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: s.mgmt });
      expect(r.status).toBe(200);
      pages++;
      seen.push(...r.body.data.map((t: any) => t.id));
      cursor = r.body.next_cursor;
      if (r.body.has_more) expect(cursor).toBe(r.body.data[1].id);
    } while (cursor);
    expect(pages).toBe(5);
    expect(seen).toEqual(txns.map((t) => t.id));
    expect([...seen].sort().reverse()).toEqual(seen);
  });

  it('filters by wallet and by spend request', async () => {
    const eur = (await listAll(s, '/v1/wallets', s.mgmt)).find((w) => w.currency === 'eur');
    const eurTxns = await api(s.url, 'GET', `/v1/ledger/transactions?wallet_id=${eur.id}`, { key: s.mgmt });
    expect(eurTxns.body.data).toHaveLength(1);
    expect(eurTxns.body.data[0].postings).toEqual([
      { account: 'external:funding:eur', amount_cents: -9_000, currency: 'eur' },
      { account: `${eur.id}:available`, amount_cents: 9_000, currency: 'eur' },
    ]);
    const capture = txns.find((t) => t.type === 'capture');
    const bySpend = await api(s.url, 'GET', `/v1/ledger/transactions?spend_request_id=${capture.spend_request_id}`, { key: s.mgmt });
    expect(bySpend.body.data.map((t: any) => t.type)).toEqual(['capture', 'hold']);
    const none = await api(s.url, 'GET', '/v1/ledger/transactions?wallet_id=wal_00000000000000000000000000', { key: s.mgmt });
    expect(none.body).toEqual({ data: [], has_more: false, next_cursor: null });
  });

  it('verifies: ok, with what it checked', async () => {
    const r = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(r.status).toBe(200);
    const postings = txns.reduce((n, t) => n + t.postings.length, 0);
    expect(r.body).toEqual({ ok: true, wallets_checked: 2, transactions_checked: txns.length, postings_checked: postings, first_broken: null });
  });

  it('reports the first broken link when someone rewrites history', async () => {
    const victim = txns.find((t) => t.type === 'capture');
    const db = s.server.db.db;
    const tampered = JSON.stringify(victim.postings.map((p: any) => (p.account.startsWith('external:merchants') ? { ...p, amount_cents: 1 } : p)));
    await db.updateTable('ledger_transactions').set({ postings: tampered }).where('id', '=', victim.id).execute();
    const r = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body.ok).toBe(false);
    expect(r.body.first_broken).toMatchObject({ wallet_id: s.walletId, transaction_id: victim.id, problem: expect.any(String) });
    await db.updateTable('ledger_transactions').set({ postings: JSON.stringify(victim.postings) }).where('id', '=', victim.id).execute();
    expect((await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt })).body.ok).toBe(true);
  });
});
