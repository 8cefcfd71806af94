import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId, type Posting } from '@bursar/core';
import { openSqlite, type Database } from '../../src/db/database.js';
import {
  accounts, GENESIS_HASH, hashTransaction, InsufficientBalanceError, postTransaction, verifyLedger, type LedgerType, type WalletRow,
} from '../../src/ledger/ledger.js';

let dir: string;
let database: Database;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bursar-ledger-'));
  database = await openSqlite(dir);
});

afterAll(async () => {
  await database?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A fresh workspace with one wallet per currency, inserted directly. */
async function newWorkspace(currencies: string[]): Promise<{ workspaceId: string; walletIds: string[] }> {
  const now = Date.now();
  const workspaceId = newId('ws', now);
  await database.db.insertInto('workspaces').values({ id: workspaceId, name: 'ledger test', livemode: 0, created_at: now }).execute();
  const walletIds: string[] = [];
  for (const currency of currencies) {
    const row: WalletRow = {
      id: newId('wal', now),
      workspace_id: workspaceId,
      currency,
      livemode: 0,
      available_cents: 0,
      held_cents: 0,
      last_sequence: 0,
      last_hash: GENESIS_HASH,
      created_at: now,
    };
    await database.db.insertInto('wallets').values(row).execute();
    walletIds.push(row.id);
  }
  return { workspaceId, walletIds };
}

async function walletRow(id: string): Promise<WalletRow> {
  return database.db.selectFrom('wallets').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

async function ledgerRows(workspaceId: string) {
  return database.db.selectFrom('ledger_transactions').selectAll().where('workspace_id', '=', workspaceId).orderBy('wallet_id').orderBy('sequence').execute();
}

// The postings the services write for each kind of movement.
const postingsFor = {
  fund: (w: WalletRow, amount: number): Posting[] => [
    { account: accounts.external('funding', w.currency), amount_cents: -amount, currency: w.currency },
    { account: accounts.available(w.id), amount_cents: amount, currency: w.currency },
  ],
  hold: (w: WalletRow, amount: number): Posting[] => [
    { account: accounts.available(w.id), amount_cents: -amount, currency: w.currency },
    { account: accounts.held(w.id), amount_cents: amount, currency: w.currency },
  ],
  /** Ends a hold of `held`: `captured` goes to the merchant, the rest back to available. */
  settle: (w: WalletRow, held: number, captured: number): Posting[] => {
    const out: Posting[] = [{ account: accounts.held(w.id), amount_cents: -held, currency: w.currency }];
    if (captured > 0) out.push({ account: accounts.external('merchants', w.currency), amount_cents: captured, currency: w.currency });
    if (held - captured > 0) out.push({ account: accounts.available(w.id), amount_cents: held - captured, currency: w.currency });
    return out;
  },
};

/** Posts in its own database transaction, reading the wallet's head inside it as the services do. */
async function post(walletId: string, type: LedgerType, postings: (w: WalletRow) => Posting[]) {
  return database.transact(async (tx) => {
    const wallet = await tx.selectFrom('wallets').selectAll().where('id', '=', walletId).executeTakeFirstOrThrow();
    return postTransaction(tx, { wallet, type, spendRequestId: null, description: `test ${type}`, postings: postings(wallet), now: Date.now() });
  });
}

/**
 * Attempts a posting that must be refused, and checks inside the same database transaction that
 * the refusal wrote nothing: the transaction is then committed, not rolled back.
 */
async function expectRefused(walletId: string, postings: (w: WalletRow) => Posting[], error: RegExp | (new (...args: never[]) => Error)) {
  await database.transact(async (tx) => {
    const wallet = await tx.selectFrom('wallets').selectAll().where('id', '=', walletId).executeTakeFirstOrThrow();
    const countBefore = await tx.selectFrom('ledger_transactions').select((eb) => eb.fn.countAll<number>().as('n')).where('wallet_id', '=', walletId).executeTakeFirstOrThrow();
    await expect(postTransaction(tx, { wallet, type: 'hold', spendRequestId: null, description: 'refused', postings: postings(wallet), now: Date.now() })).rejects.toThrow(error);
    expect(await tx.selectFrom('wallets').selectAll().where('id', '=', walletId).executeTakeFirstOrThrow()).toEqual(wallet);
    const countAfter = await tx.selectFrom('ledger_transactions').select((eb) => eb.fn.countAll<number>().as('n')).where('wallet_id', '=', walletId).executeTakeFirstOrThrow();
    expect(Number(countAfter.n)).toBe(Number(countBefore.n));
  });
}

/** Checks every ledger invariant of a workspace and returns its ledger rows. */
async function expectLedgerInvariants(workspaceId: string, walletIds: string[]) {
  const verified = await verifyLedger(database.db, workspaceId);
  expect(verified.first_broken).toBeNull();
  expect(verified.ok).toBe(true);
  expect(verified.wallets_checked).toBe(walletIds.length);

  const rows = await ledgerRows(workspaceId);
  expect(verified.transactions_checked).toBe(rows.length);
  const byCurrency = new Map<string, number>();
  const byAccount = new Map<string, number>();
  for (const r of rows) {
    for (const p of JSON.parse(r.postings) as Posting[]) {
      byCurrency.set(p.currency, (byCurrency.get(p.currency) ?? 0) + p.amount_cents);
      byAccount.set(p.account, (byAccount.get(p.account) ?? 0) + p.amount_cents);
    }
  }
  for (const [currency, sum] of byCurrency) expect(sum, `postings in ${currency}`).toBe(0);
  for (const id of walletIds) {
    const w = await walletRow(id);
    expect(w.available_cents).toBeGreaterThanOrEqual(0);
    expect(w.held_cents).toBeGreaterThanOrEqual(0);
    expect(w.available_cents).toBe(byAccount.get(accounts.available(id)) ?? 0);
    expect(w.held_cents).toBe(byAccount.get(accounts.held(id)) ?? 0);
  }
  return rows;
}

type Op =
  | { kind: 'fund'; w: number; amount: number }
  | { kind: 'hold'; w: number; amount: number }
  | { kind: 'holdAll'; w: number }
  | { kind: 'capture'; w: number; pick: number; sharePercent: number }
  | { kind: 'release'; w: number; pick: number }
  | { kind: 'overRelease'; w: number; extra: number };

const wallet = fc.nat(1);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('fund' as const), w: wallet, amount: fc.integer({ min: 1, max: 10_000 }) }),
  fc.record({ kind: fc.constant('hold' as const), w: wallet, amount: fc.integer({ min: 1, max: 6_000 }) }),
  fc.record({ kind: fc.constant('holdAll' as const), w: wallet }),
  fc.record({ kind: fc.constant('capture' as const), w: wallet, pick: fc.nat(), sharePercent: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('release' as const), w: wallet, pick: fc.nat() }),
  fc.record({ kind: fc.constant('overRelease' as const), w: wallet, extra: fc.integer({ min: 1, max: 1_000 }) }),
);

interface WalletModel {
  available: number;
  held: number;
  holds: number[];
  posted: number;
}

describe('ledger: random sequences of fund, hold, capture and release', () => {
  it('keep the chain verifiable, balances non-negative, postings balanced and balances equal to postings', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.array(opArb, { maxLength: 30 }), async (twoWallets, ops) => {
        const { workspaceId, walletIds } = await newWorkspace(twoWallets ? ['usd', 'eur'] : ['usd']);
        const models: WalletModel[] = walletIds.map(() => ({ available: 0, held: 0, holds: [], posted: 0 }));
        for (const op of ops) {
          const i = op.w % walletIds.length;
          const id = walletIds[i]!;
          const m = models[i]!;
          switch (op.kind) {
            case 'fund':
              await post(id, 'funding', (w) => postingsFor.fund(w, op.amount));
              m.available += op.amount;
              m.posted++;
              break;
            case 'hold':
              if (op.amount > m.available) {
                await expectRefused(id, (w) => postingsFor.hold(w, op.amount), InsufficientBalanceError);
                break;
              }
              await post(id, 'hold', (w) => postingsFor.hold(w, op.amount));
              m.available -= op.amount;
              m.held += op.amount;
              m.holds.push(op.amount);
              m.posted++;
              break;
            case 'holdAll': {
              const amount = m.available;
              if (amount === 0) break;
              await post(id, 'hold', (w) => postingsFor.hold(w, amount));
              m.available = 0;
              m.held += amount;
              m.holds.push(amount);
              m.posted++;
              break;
            }
            case 'capture':
            case 'release': {
              if (m.holds.length === 0) break;
              const [held] = m.holds.splice(op.pick % m.holds.length, 1) as [number];
              const captured = op.kind === 'capture' ? Math.floor((held * op.sharePercent) / 100) : 0;
              await post(id, captured > 0 ? 'capture' : 'release', (w) => postingsFor.settle(w, held, captured));
              m.held -= held;
              m.available += held - captured;
              m.posted++;
              break;
            }
            case 'overRelease':
              await expectRefused(id, (w) => postingsFor.settle(w, m.held + op.extra, 0), InsufficientBalanceError);
              break;
          }
          const w = await walletRow(id);
          expect({ available: w.available_cents, held: w.held_cents, sequence: w.last_sequence }).toEqual({ available: m.available, held: m.held, sequence: m.posted });
          expect(w.held_cents).toBe(m.holds.reduce((a, b) => a + b, 0));
        }
        const rows = await expectLedgerInvariants(workspaceId, walletIds);
        expect(rows).toHaveLength(models.reduce((n, x) => n + x.posted, 0));
      }),
      { numRuns: 60 },
    );
  });
});

/** fund 1000 → hold 300 → capture 200 of it → hold 100: four links on one wallet. */
async function chainOfFour() {
  const { workspaceId, walletIds } = await newWorkspace(['usd']);
  const id = walletIds[0]!;
  await post(id, 'funding', (w) => postingsFor.fund(w, 1_000));
  await post(id, 'hold', (w) => postingsFor.hold(w, 300));
  await post(id, 'capture', (w) => postingsFor.settle(w, 300, 200));
  await post(id, 'hold', (w) => postingsFor.hold(w, 100));
  const rows = await expectLedgerInvariants(workspaceId, walletIds);
  expect(rows.map((r) => r.sequence)).toEqual([1, 2, 3, 4]);
  return { workspaceId, walletId: id, rows };
}

describe('ledger: tampering is detected', () => {
  it('rewritten postings (still balanced) break the hash of that transaction', async () => {
    const { workspaceId, walletId, rows } = await chainOfFour();
    const target = rows[1]!;
    const forged = JSON.stringify([
      { account: accounts.available(walletId), amount_cents: -30, currency: 'usd' },
      { account: accounts.held(walletId), amount_cents: 30, currency: 'usd' },
    ]);
    await sql`update ledger_transactions set postings = ${forged} where id = ${target.id}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: target.id, problem: expect.stringMatching(/hash/) });
  });

  it('a rewritten hash is caught at that transaction', async () => {
    const { workspaceId, walletId, rows } = await chainOfFour();
    const target = rows[2]!;
    await sql`update ledger_transactions set hash = ${'f'.repeat(64)} where id = ${target.id}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: target.id });
  });

  it('a forged transaction with a recomputed hash breaks the link to the next one', async () => {
    const { workspaceId, walletId, rows } = await chainOfFour();
    const target = rows[1]!;
    const postings = JSON.stringify([
      { account: accounts.available(walletId), amount_cents: -30, currency: 'usd' },
      { account: accounts.held(walletId), amount_cents: 30, currency: 'usd' },
    ]);
    const hash = hashTransaction({ ...target, postings });
    await sql`update ledger_transactions set postings = ${postings}, hash = ${hash} where id = ${target.id}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: rows[2]!.id, problem: expect.stringMatching(/prev_hash/) });
  });

  it('a forged last transaction with a recomputed hash no longer matches the wallet head', async () => {
    const { workspaceId, walletId, rows } = await chainOfFour();
    const target = rows[3]!;
    const postings = JSON.stringify([
      { account: accounts.available(walletId), amount_cents: -1, currency: 'usd' },
      { account: accounts.held(walletId), amount_cents: 1, currency: 'usd' },
    ]);
    await sql`update ledger_transactions set postings = ${postings}, hash = ${hashTransaction({ ...target, postings })} where id = ${target.id}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: null });
  });

  it('a deleted transaction is caught at the one after the gap', async () => {
    const { workspaceId, walletId, rows } = await chainOfFour();
    await sql`delete from ledger_transactions where id = ${rows[1]!.id}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: rows[2]!.id, problem: expect.stringMatching(/sequence/) });
  });

  it('a stored balance that differs from the postings is caught', async () => {
    const { workspaceId, walletId } = await chainOfFour();
    await sql`update wallets set available_cents = available_cents + 1 where id = ${walletId}`.execute(database.db);
    const result = await verifyLedger(database.db, workspaceId);
    expect(result.ok).toBe(false);
    expect(result.first_broken).toMatchObject({ wallet_id: walletId, transaction_id: null, problem: expect.stringMatching(/balances/) });
  });

  it('tampering in one workspace does not fail another workspace\'s verification', async () => {
    const tampered = await chainOfFour();
    const clean = await chainOfFour();
    await sql`update ledger_transactions set hash = ${'0'.repeat(64)} where id = ${tampered.rows[0]!.id}`.execute(database.db);
    expect((await verifyLedger(database.db, tampered.workspaceId)).ok).toBe(false);
    expect((await verifyLedger(database.db, clean.workspaceId)).ok).toBe(true);
  });
});

describe('ledger: postTransaction refuses what would corrupt the ledger', () => {
  it('rejects postings that do not sum to zero and writes nothing', async () => {
    const { workspaceId, walletIds } = await newWorkspace(['usd']);
    const id = walletIds[0]!;
    await post(id, 'funding', (w) => postingsFor.fund(w, 500));
    await expectRefused(id, (w) => [
      { account: accounts.external('funding', 'usd'), amount_cents: -99, currency: 'usd' },
      { account: accounts.available(w.id), amount_cents: 100, currency: 'usd' },
    ], /sum to/);
    await expectLedgerInvariants(workspaceId, walletIds);
  });

  it('rejects postings that sum to zero only across currencies', async () => {
    const { walletIds } = await newWorkspace(['usd']);
    await expectRefused(walletIds[0]!, (w) => [
      { account: accounts.external('funding', 'eur'), amount_cents: -100, currency: 'eur' },
      { account: accounts.available(w.id), amount_cents: 100, currency: 'usd' },
    ], /sum to/);
  });

  it('rejects fractional amounts', async () => {
    const { walletIds } = await newWorkspace(['usd']);
    await expectRefused(walletIds[0]!, (w) => [
      { account: accounts.external('funding', 'usd'), amount_cents: -0.5, currency: 'usd' },
      { account: accounts.available(w.id), amount_cents: 0.5, currency: 'usd' },
    ], /safe integer/);
  });

  it('throws InsufficientBalanceError for a hold one cent over available and writes nothing', async () => {
    const { workspaceId, walletIds } = await newWorkspace(['usd']);
    const id = walletIds[0]!;
    await post(id, 'funding', (w) => postingsFor.fund(w, 500));
    await expectRefused(id, (w) => postingsFor.hold(w, 501), InsufficientBalanceError);
    const err = await post(id, 'hold', (w) => postingsFor.hold(w, 501)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InsufficientBalanceError);
    expect((err as InsufficientBalanceError).walletId).toBe(id);
    // Exactly the balance is fine.
    await post(id, 'hold', (w) => postingsFor.hold(w, 500));
    expect(await walletRow(id)).toMatchObject({ available_cents: 0, held_cents: 500, last_sequence: 2 });
    await expectLedgerInvariants(workspaceId, walletIds);
  });

  it('refuses a stale wallet head, so two writers cannot fork the chain', async () => {
    const { workspaceId, walletIds } = await newWorkspace(['usd']);
    const id = walletIds[0]!;
    await post(id, 'funding', (w) => postingsFor.fund(w, 500));
    const stale = await walletRow(id);
    await post(id, 'hold', (w) => postingsFor.hold(w, 100));
    await expect(
      database.transact((tx) => postTransaction(tx, { wallet: stale, type: 'hold', spendRequestId: null, description: 'stale', postings: postingsFor.hold(stale, 100), now: Date.now() })),
    ).rejects.toThrow(/changed under this transaction/);
    expect(await walletRow(id)).toMatchObject({ available_cents: 400, held_cents: 100, last_sequence: 2 });
    await expectLedgerInvariants(workspaceId, walletIds);
  });
});
