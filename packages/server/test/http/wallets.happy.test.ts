import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startTestServer, type TestServer } from '../helpers/server.js';
import { ledgerOf, listAll } from './support.js';

describe('wallets', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('lists the provisioned USD wallet funded with 100000', async () => {
    const r = await api(s.url, 'GET', '/v1/wallets', { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      data: [{ id: s.walletId, object: 'wallet', currency: 'usd', available_cents: 100_000, held_cents: 0, livemode: false, created_at: expect.any(String) }],
      has_more: false,
      next_cursor: null,
    });
  });

  it('creates a wallet for a currency given in upper case, answering lower case', async () => {
    const r = await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'EUR' } });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ object: 'wallet', currency: 'eur', available_cents: 0, held_cents: 0, livemode: false });
    expect(r.body.id).toMatch(/^wal_[0-9a-z]{26}$/);
    expect(new Date(r.body.created_at).toISOString()).toBe(r.body.created_at);

    const got = await api(s.url, 'GET', `/v1/wallets/${r.body.id}`, { key: s.mgmt });
    expect(got.status).toBe(200);
    expect(got.body).toEqual(r.body);

    const all = await listAll(s, '/v1/wallets', s.mgmt);
    expect(all.map((w) => w.currency)).toEqual(['eur', 'usd']);
  });

  it('pages through wallets newest first', async () => {
    await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'gbp' } });
    const p1 = await api(s.url, 'GET', '/v1/wallets?limit=1', { key: s.mgmt });
    expect(p1.body.data.map((w: any) => w.currency)).toEqual(['gbp']);
    expect(p1.body.has_more).toBe(true);
    expect(p1.body.next_cursor).toBe(p1.body.data[0].id);
    const p2 = await api(s.url, 'GET', `/v1/wallets?limit=2&cursor=${p1.body.next_cursor}`, { key: s.mgmt });
    expect(p2.body.data.map((w: any) => w.currency)).toEqual(['eur', 'usd']);
    expect(p2.body).toMatchObject({ has_more: false, next_cursor: null });
  });

  it('answers a wallet balance with available, held and total', async () => {
    const r = await api(s.url, 'GET', `/v1/wallets/${s.walletId}/balance`, { key: s.mgmt });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ object: 'wallet_balance', wallet_id: s.walletId, currency: 'usd', available_cents: 100_000, held_cents: 0, total_cents: 100_000 });
  });

  it('funds a wallet from the faucet with a balanced ledger transaction', async () => {
    const w = await api(s.url, 'POST', '/v1/wallets', { key: s.mgmt, body: { currency: 'jpy' } });
    const r = await api(s.url, 'POST', `/v1/wallets/${w.body.id}/fund`, { key: s.mgmt, body: { amount_cents: 2500 } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ id: w.body.id, object: 'wallet', currency: 'jpy', available_cents: 2500, held_cents: 0 });
    expect(r.body.ledger_transaction_id).toMatch(/^txn_/);

    const txns = await api(s.url, 'GET', `/v1/ledger/transactions?wallet_id=${w.body.id}`, { key: s.mgmt });
    expect(txns.body.data).toHaveLength(1);
    expect(txns.body.data[0]).toMatchObject({
      id: r.body.ledger_transaction_id,
      type: 'funding',
      sequence: 1,
      spend_request_id: null,
      postings: [
        { account: 'external:funding:jpy', amount_cents: -2500, currency: 'jpy' },
        { account: `${w.body.id}:available`, amount_cents: 2500, currency: 'jpy' },
      ],
    });
    // A second funding without an idempotency key funds again.
    const again = await api(s.url, 'POST', `/v1/wallets/${w.body.id}/fund`, { key: s.mgmt, body: { amount_cents: 500 } });
    expect(again.body.available_cents).toBe(3000);
  });

  it('funds once for one Idempotency-Key, replaying the first answer', async () => {
    const before = await api(s.url, 'GET', `/v1/wallets/${s.walletId}/balance`, { key: s.mgmt });
    const headers = { 'idempotency-key': 'fund-once' };
    const first = await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 700 }, headers });
    const second = await api(s.url, 'POST', `/v1/wallets/${s.walletId}/fund`, { key: s.mgmt, body: { amount_cents: 700 }, headers });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.status).toBe(200);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body).toEqual(first.body);
    const after = await api(s.url, 'GET', `/v1/wallets/${s.walletId}/balance`, { key: s.mgmt });
    expect(after.body.available_cents).toBe(before.body.available_cents + 700);
    const funding = (await listAll(s, `/v1/ledger/transactions?wallet_id=${s.walletId}`, s.mgmt)).filter((t) => t.type === 'funding');
    expect(funding.filter((t) => t.id === first.body.ledger_transaction_id)).toHaveLength(1);
    expect(funding).toHaveLength(2); // the provisioning faucet and this one
  });

  it('keeps the ledger verifiable after funding', async () => {
    const v = await api(s.url, 'GET', '/v1/ledger/verify', { key: s.mgmt });
    expect(v.body).toMatchObject({ ok: true, first_broken: null });
    expect(await ledgerOf(s, 'req_none')).toEqual([]);
  });
});
