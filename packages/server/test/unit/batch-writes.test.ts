import { describe, expect, it } from 'vitest';
import { mergeWrites } from '../../src/db/batch-writes.js';
import { insertWrite, type Write } from '../../src/db/prepared.js';
import { prepareTransaction, accounts, GENESIS_HASH, type WalletRow } from '../../src/ledger/ledger.js';
import { usageAddition } from '../../src/store/usage.js';

const wallet: WalletRow = {
  id: 'wal_1', workspace_id: 'ws_1', currency: 'USD', available_cents: 10_000, held_cents: 0,
  last_sequence: 4, last_hash: GENESIS_HASH, created_at: 0, updated_at: 0,
} as WalletRow;

/** A hold of `amount` on `w`: its writes and the wallet after it. */
function hold(w: WalletRow, amount: number) {
  return prepareTransaction({
    wallet: w, type: 'hold', spendRequestId: `spr_${amount}`, description: 'hold', now: 1,
    postings: [
      { account: accounts.available(w.id), amount_cents: -amount, currency: 'USD' },
      { account: accounts.held(w.id), amount_cents: amount, currency: 'USD' },
    ],
  });
}

const windows = [{ period: 'daily', key: '2026-12-05' }, { period: 'monthly', key: '2026-12' }];

describe('mergeWrites: a batch of writes in as few statements as write no row twice', () => {
  it('makes the inserts into one table one multi-row insert, in order', () => {
    const runs = mergeWrites([
      insertWrite('idempotency_keys', { scope: 's', key: 'a' }),
      insertWrite('audit_log', { id: 'aud_1' }),
      insertWrite('idempotency_keys', { scope: 's', key: 'b' }),
    ]);
    expect(runs).toHaveLength(1);
    const keys = runs[0]!.find((w) => w.insert?.table === 'idempotency_keys')!;
    expect(keys.text).toBe('insert into "idempotency_keys" ("scope", "key") values (?, ?), (?, ?)');
    expect(keys.params).toEqual(['s', 'a', 's', 'b']);
    expect(runs[0]!).toHaveLength(2);
  });

  it('keeps inserts with different columns apart', () => {
    const runs = mergeWrites([insertWrite('audit_log', { id: 'a' }), insertWrite('audit_log', { id: 'b', action: 'x' })]);
    expect(runs[0]!.map((w) => w.params)).toEqual([['a'], ['b', 'x']]);
  });

  it('combines the wallet head moves of holds in turn into one move from the first read to the last', () => {
    const first = hold(wallet, 100);
    const second = hold(first.wallet, 250);
    const runs = mergeWrites([...first.writes, ...second.writes]);
    expect(runs).toHaveLength(1);
    const heads = runs[0]!.filter((w) => w.text.startsWith('update "wallets"'));
    expect(heads).toHaveLength(1);
    // available, held, sequence, hash of the second; the id, and the sequence the first read.
    expect(heads[0]!.params).toEqual([9_650, 350, 6, second.transaction.hash, 'wal_1', 4]);
    expect(() => heads[0]!.check!(0)).toThrow(/changed under this transaction/);
    const ledger = runs[0]!.find((w) => w.insert?.table === 'ledger_transactions')!;
    expect(ledger.insert!.rows).toBe(2);
  });

  it('does not combine head moves that do not follow each other: a second run keeps the second', () => {
    const first = hold(wallet, 100);
    const stale = hold(wallet, 250); // read the wallet before the first moved it
    const runs = mergeWrites([...first.writes, ...stale.writes]);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.find((w) => w.text.startsWith('update "wallets"'))!.params[5]).toBe(4);
  });

  it('adds up counter changes to the same windows', () => {
    const runs = mergeWrites([
      ...usageAddition('pol_1', windows, { spent: 0, held: 100 }),
      ...usageAddition('pol_1', windows, { spent: 0, held: 250 }),
      ...usageAddition('pol_2', windows, { spent: 0, held: 7 }),
    ]);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.map((w) => w.params)).toEqual([
      ['pol_1', 'daily', '2026-12-05', 0, 350, 'pol_1', 'monthly', '2026-12', 0, 350],
      ['pol_2', 'daily', '2026-12-05', 0, 7, 'pol_2', 'monthly', '2026-12', 0, 7],
    ]);
  });

  it('starts a new run when a change touches a row of the run it cannot combine with', () => {
    const runs = mergeWrites([
      ...usageAddition('pol_1', windows, { spent: 0, held: 100 }),
      ...usageAddition('pol_1', windows.slice(1), { spent: 0, held: 1 }),
    ]);
    expect(runs).toHaveLength(2);
  });

  it('runs a write that names no rows alone, between the runs before and after it', () => {
    const other: Write = { text: 'update "budget_leases" set "held_cents" = "held_cents" + ? where "id" = ?', params: [1, 'lse_1'] };
    const runs = mergeWrites([insertWrite('audit_log', { id: 'a' }), other, insertWrite('audit_log', { id: 'b' })]);
    expect(runs.map((r) => r.map((w) => w.params))).toEqual([[['a']], [[1, 'lse_1']], [['b']]]);
  });

  it('starts a new run for a change to a table the run inserts into (the change would not see the new rows)', () => {
    const change: Write = { text: 'update "wallets" set x = 1 where "id" = ?', params: ['wal_9'], rows: ['wallets:wal_9'] };
    const runs = mergeWrites([insertWrite('wallets', { id: 'wal_9' }), change]);
    expect(runs).toHaveLength(2);
  });
});
