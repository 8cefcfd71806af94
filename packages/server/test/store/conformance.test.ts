import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId } from '@bursar/core';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, openSqlite, tryTransactionLock, type Database } from '../../src/db/database.js';
import { GENESIS_HASH, accounts, postTransaction, verifyLedger } from '../../src/ledger/ledger.js';
import { addUsageToWindows, usageFor } from '../../src/store/usage.js';
import { getIdempotency, insertIdempotency, purgeIdempotency } from '../../src/store/idempotency.js';
import { insertPolicy, listPolicies } from '../../src/store/policies.js';
import { claimDue, insertDelivery } from '../../src/store/webhooks.js';
import { insertEvent } from '../../src/store/events.js';
import { createPgDatabase } from '../helpers/pg.js';

/** The same store behaviours, asserted on both drivers. */
const drivers: Array<[string, () => Promise<{ db: Database; cleanup: () => void }>]> = [
  ['sqlite', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bursar-conf-'));
    return { db: await openSqlite(dir), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
  }],
  ['postgres', async () => ({ db: await openPostgres(await createPgDatabase(), { poolSize: 8, statementTimeoutMs: 5000 }), cleanup: () => {} })],
];

describe.each(drivers)('store conformance on %s', (_name, open) => {
  let db: Database;
  let cleanup: () => void;
  const ws = newId('ws');
  beforeAll(async () => {
    ({ db, cleanup } = await open());
    await db.db.insertInto('workspaces').values({ id: ws, name: 't', livemode: 0, created_at: Date.now(), callback_secret: null, previous_callback_secret: null, previous_callback_secret_expires_at: null }).execute();
  });
  afterAll(async () => {
    await db.close();
    cleanup();
  });

  async function wallet(available = 0) {
    const row = { id: newId('wal'), workspace_id: ws, currency: 'usd', livemode: 0, available_cents: available, held_cents: 0, last_sequence: 0, last_hash: GENESIS_HASH, created_at: Date.now() };
    await db.db.deleteFrom('wallets').where('workspace_id', '=', ws).where('currency', '=', 'usd').execute().catch(() => {});
    await db.db.insertInto('wallets').values({ ...row, currency: `u${row.id.slice(-2)}` }).execute();
    return { ...row, currency: `u${row.id.slice(-2)}` };
  }

  it('returns 64-bit money as exact JS numbers, up to 2^53 - 1', async () => {
    const w = await wallet(Number.MAX_SAFE_INTEGER);
    const back = await db.db.selectFrom('wallets').selectAll().where('id', '=', w.id).executeTakeFirstOrThrow();
    expect(back.available_cents).toBe(Number.MAX_SAFE_INTEGER);
    expect(typeof back.created_at).toBe('number');
    const count = await db.db.selectFrom('wallets').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBeGreaterThan(0);
  });

  it('paginates newest first by id, in byte order, without gaps or repeats', async () => {
    const empty = JSON.stringify([]);
    const ids: string[] = [];
    for (let i = 0; i < 23; i++) {
      const id = newId('pol');
      ids.push(id);
      await insertPolicy(db.db, {
        id, workspace_id: ws, name: `p${i}`, currency: 'usd', timezone: 'UTC', max_single_amount_cents: null, daily_limit_cents: null,
        weekly_limit_cents: null, monthly_limit_cents: null, total_limit_cents: null, require_approval_over_cents: null,
        max_transactions_per_minute: null, max_transactions_per_hour: null, allowed_merchants: empty, blocked_merchants: empty,
        allowed_categories: empty, blocked_categories: empty, is_active: 1, livemode: 0, created_at: Date.now(), updated_at: Date.now(),
      });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await listPolicies(db.db, ws, 5, cursor);
      seen.push(...page.data.map((p) => p.id));
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual([...ids].sort().reverse());
  });

  it('accumulates usage counters with one upsert per change, over several windows at once', async () => {
    const w = { period: 'monthly', key: '2026-11' };
    const d = { period: 'daily', key: '2026-11-23' };
    await addUsageToWindows(db.db, 'pol_x', [w], { spent: 0, held: 1000 });
    await addUsageToWindows(db.db, 'pol_x', [w, d], { spent: 700, held: -1000 });
    await addUsageToWindows(db.db, 'pol_x', [d], { spent: 5, held: 0 });
    await addUsageToWindows(db.db, 'pol_x', [], { spent: 1, held: 1 });
    const rows = await usageFor(db.db, 'pol_x', [w, d, { period: 'weekly', key: 'none' }]);
    expect(rows.map((r) => [r.period, r.spent_cents, r.held_cents]).sort()).toEqual([['daily', 705, -1000], ['monthly', 700, 0]]);
  });

  it('stores, finds and purges idempotency records', async () => {
    const now = Date.now();
    await insertIdempotency(db.db, { scope: 'key_a', key: 'k1', request_hash: 'h', status_code: 402, response_body: '{"a":1}', created_at: now, expires_at: now + 1000 });
    await insertIdempotency(db.db, { scope: 'key_a', key: 'k2', request_hash: 'h', status_code: 200, response_body: '{}', created_at: now, expires_at: now - 1 });
    expect(await getIdempotency(db.db, 'key_a', 'k1')).toMatchObject({ status_code: 402, response_body: '{"a":1}' });
    expect(await getIdempotency(db.db, 'key_b', 'k1')).toBeUndefined();
    await expect(insertIdempotency(db.db, { scope: 'key_a', key: 'k1', request_hash: 'x', status_code: 200, response_body: '{}', created_at: now, expires_at: now })).rejects.toThrow();
    expect(await purgeIdempotency(db.db, now)).toBe(1);
  });

  it('keeps the ledger chain intact and refuses to go below zero', async () => {
    // The 2^53 wallet above has no postings behind it; verify only this wallet's chain.
    await db.db.deleteFrom('wallets').where('workspace_id', '=', ws).execute();
    const w = await wallet();
    const cur = w.currency;
    let current = w;
    await db.transact(async (tx) => {
      current = (await postTransaction(tx, { wallet: current, type: 'funding', spendRequestId: null, description: 'f', now: Date.now(),
        postings: [{ account: accounts.external('funding', cur), amount_cents: -500, currency: cur }, { account: accounts.available(w.id), amount_cents: 500, currency: cur }] })).wallet;
    });
    await expect(db.transact((tx) => postTransaction(tx, { wallet: current, type: 'hold', spendRequestId: null, description: 'h', now: Date.now(),
      postings: [{ account: accounts.available(w.id), amount_cents: -501, currency: cur }, { account: accounts.held(w.id), amount_cents: 501, currency: cur }] }))).rejects.toThrow(/below zero/);
    expect(await verifyLedger(db.db, ws)).toMatchObject({ ok: true });
  });

  it('hands each due delivery to exactly one of several concurrent claimers', async () => {
    const now = Date.now();
    const evt = newId('evt');
    await insertEvent(db.db, { id: evt, workspace_id: ws, type: 't', object_id: 'x', livemode: 0, data: '{}', created_at: now, dispatched: 1 });
    for (let i = 0; i < 40; i++) {
      await insertDelivery(db.db, { id: newId('del'), workspace_id: ws, endpoint_id: null, url: 'http://127.0.0.1:9', event_id: evt, status: 'pending', attempts: 0, next_attempt_at: now, locked_until: 0, created_at: now, updated_at: now });
    }
    const claims = await Promise.all(Array.from({ length: 6 }, () => db.transact((tx) => claimDue(tx, now, now + 60_000, 10))));
    const all = claims.flat().map((d) => d.id);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(40);
  });

  it('lets only one transaction at a time hold a transaction lock', async () => {
    if (db.kind === 'sqlite') {
      expect(await db.transact((tx) => tryTransactionLock(tx, 'k'))).toBe(true);
      return;
    }
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let first!: boolean;
    const holder = db.transact(async (tx) => {
      first = await tryTransactionLock(tx, 'idem:key_a:k');
      await held;
    });
    await new Promise((r) => setTimeout(r, 100));
    const second = await db.transact((tx) => tryTransactionLock(tx, 'idem:key_a:k'));
    release();
    await holder;
    expect(first).toBe(true);
    expect(second).toBe(false);
    expect(await db.transact((tx) => tryTransactionLock(tx, 'idem:key_a:k'))).toBe(true);
  });
});
