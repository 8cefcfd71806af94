import { createHash } from 'node:crypto';
import { newId, type LedgerVerifyResult, type Posting } from '@bursar/core';
import { forgetBatchReads } from '../db/batch-reads.js';
import type { Executor, Tx } from '../db/database.js';
import { executeWrites, insertWrite, type Write } from '../db/prepared.js';
import type { DB } from '../db/schema.js';

export type WalletRow = DB['wallets'];
export type LedgerRow = DB['ledger_transactions'];
export type LedgerType = 'funding' | 'hold' | 'capture' | 'release' | 'transfer';

/** The genesis link of every wallet's hash chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** Account names: a wallet's two accounts, and external counterparties per currency. */
export const accounts = {
  available: (walletId: string) => `${walletId}:available`,
  held: (walletId: string) => `${walletId}:held`,
  external: (kind: 'funding' | 'merchants' | 'transfers', currency: string) => `external:${kind}:${currency}`,
};

/** The hash of one transaction, chained to the wallet's previous one. */
export function hashTransaction(t: Omit<LedgerRow, 'hash' | 'workspace_id'>): string {
  const canonical = JSON.stringify([
    t.id, t.wallet_id, t.sequence, t.type, t.spend_request_id, t.description, t.postings, t.created_at,
  ]);
  return createHash('sha256').update(t.prev_hash).update('\n').update(canonical).digest('hex');
}

/** What posting `postings` does to a wallet's two balances. */
function walletDelta(walletId: string, postings: readonly Posting[]) {
  let available = 0;
  let held = 0;
  for (const p of postings) {
    if (p.account === accounts.available(walletId)) available += p.amount_cents;
    else if (p.account === accounts.held(walletId)) held += p.amount_cents;
  }
  return { available, held };
}

function assertBalanced(postings: readonly Posting[]): void {
  const sums = new Map<string, number>();
  for (const p of postings) {
    if (!Number.isSafeInteger(p.amount_cents)) throw new Error('ledger: posting amount is not a safe integer');
    sums.set(p.currency, (sums.get(p.currency) ?? 0) + p.amount_cents);
  }
  for (const [cur, sum] of sums) if (sum !== 0) throw new Error(`ledger: postings in ${cur} sum to ${sum}, not zero`);
}

/** Thrown when a posting would take a wallet's available or held balance below zero. */
export class InsufficientBalanceError extends Error {
  constructor(readonly walletId: string) {
    super(`ledger: wallet ${walletId} would go below zero`);
  }
}

export interface PostInput {
  wallet: WalletRow;
  type: LedgerType;
  spendRequestId: string | null;
  description: string;
  postings: Posting[];
  now: number;
}

/** A transaction ready to post: the writes that append it and the wallet as it will be after them. */
export interface PreparedPosting {
  transaction: LedgerRow;
  wallet: WalletRow;
  writes: Write[];
}

/**
 * Prepares one balanced transaction on a wallet's chain and the move of its balances; run the
 * writes (with others, see executeWrites) in the transaction that read `wallet`. The wallet
 * row is updated only if nobody appended since it was read, so two writers can never fork the
 * chain; on PostgreSQL the wallet's row lock already excludes them, and the check stays as the
 * guard of the chain for any caller that reads the wallet without it.
 */
export function prepareTransaction(input: PostInput): PreparedPosting {
  const { wallet, postings } = input;
  assertBalanced(postings);
  const delta = walletDelta(wallet.id, postings);
  const available = wallet.available_cents + delta.available;
  const held = wallet.held_cents + delta.held;
  if (available < 0 || held < 0) throw new InsufficientBalanceError(wallet.id);
  const base = {
    id: newId('txn', input.now),
    wallet_id: wallet.id,
    sequence: wallet.last_sequence + 1,
    type: input.type,
    spend_request_id: input.spendRequestId,
    description: input.description,
    postings: JSON.stringify(postings),
    prev_hash: wallet.last_hash,
    created_at: input.now,
  };
  const transaction: LedgerRow = { ...base, workspace_id: wallet.workspace_id, hash: hashTransaction(base) };
  const head = headWrite(wallet.id, wallet.last_sequence, { available, held, sequence: transaction.sequence, hash: transaction.hash });
  return {
    transaction,
    wallet: { ...wallet, available_cents: available, held_cents: held, last_sequence: transaction.sequence, last_hash: transaction.hash },
    writes: [head, insertWrite('ledger_transactions', transaction)],
  };
}

const HEAD_TEXT = 'update "wallets" set "available_cents" = ?, "held_cents" = ?, "last_sequence" = ?, "last_hash" = ? where "id" = ? and "last_sequence" = ?';

/**
 * Moves a wallet's head from sequence `from` to `to`, only if nobody appended since `from` was
 * read. Two moves in turn (a decision batch's holds) are one move from the first's `from` to the
 * second's `to`, as long as the second starts where the first ended.
 */
function headWrite(walletId: string, from: number, to: { available: number; held: number; sequence: number; hash: string }): Write {
  return {
    text: HEAD_TEXT,
    params: [to.available, to.held, to.sequence, to.hash, walletId, from],
    check: (updated) => {
      if (updated !== 1) throw new Error(`ledger: wallet ${walletId} changed under this transaction`);
    },
    rows: [`wallets:${walletId}`],
    merge: (later) => {
      const next = later.params as [number, number, number, string, string, number];
      if (later.text !== HEAD_TEXT || next[4] !== walletId || next[5] !== to.sequence) return undefined;
      return headWrite(walletId, from, { available: next[0], held: next[1], sequence: next[2], hash: next[3] });
    },
  };
}

/** Appends one balanced transaction to a wallet's chain and moves its balances, inside the caller's transaction (see prepareTransaction). */
export async function postTransaction(tx: Tx, input: PostInput): Promise<{ transaction: LedgerRow; wallet: WalletRow }> {
  // Money moved outside a decision's own hold: a batch's decisions read their budgets again.
  forgetBatchReads(tx);
  const { writes, transaction, wallet } = prepareTransaction(input);
  await executeWrites(tx, writes);
  return { transaction, wallet };
}

/**
 * Replays every wallet's chain: each link's hash, its sequence, balanced postings, balances
 * never below zero, and the stored balances equal to the sum of postings. Stops at the first
 * broken link.
 */
export async function verifyLedger(db: Executor, workspaceId: string): Promise<LedgerVerifyResult> {
  const wallets = await db.selectFrom('wallets').selectAll().where('workspace_id', '=', workspaceId).orderBy('id').execute();
  let transactions = 0;
  let postingsChecked = 0;
  const broken = (wallet_id: string, transaction_id: string | null, problem: string): LedgerVerifyResult => ({
    ok: false,
    wallets_checked: wallets.length,
    transactions_checked: transactions,
    postings_checked: postingsChecked,
    first_broken: { wallet_id, transaction_id, problem },
  });
  for (const wallet of wallets) {
    let prev = GENESIS_HASH;
    let sequence = 0;
    let available = 0;
    let held = 0;
    let after = -1;
    for (;;) {
      const page = await db
        .selectFrom('ledger_transactions')
        .selectAll()
        .where('wallet_id', '=', wallet.id)
        .where('sequence', '>', after)
        .orderBy('sequence')
        .limit(1000)
        .execute();
      if (page.length === 0) break;
      for (const t of page) {
        transactions++;
        after = t.sequence;
        if (t.sequence !== sequence + 1) return broken(wallet.id, t.id, `sequence ${t.sequence} follows ${sequence}`);
        if (t.prev_hash !== prev) return broken(wallet.id, t.id, 'prev_hash does not match the previous transaction');
        if (hashTransaction(t) !== t.hash) return broken(wallet.id, t.id, 'hash does not match the transaction contents');
        let postings: Posting[];
        try {
          postings = JSON.parse(t.postings) as Posting[];
          assertBalanced(postings);
        } catch (err) {
          return broken(wallet.id, t.id, err instanceof Error ? err.message : 'unreadable postings');
        }
        postingsChecked += postings.length;
        const d = walletDelta(wallet.id, postings);
        available += d.available;
        held += d.held;
        if (available < 0 || held < 0) return broken(wallet.id, t.id, 'balance went below zero');
        prev = t.hash;
        sequence = t.sequence;
      }
    }
    if (sequence !== wallet.last_sequence || prev !== wallet.last_hash) {
      return broken(wallet.id, null, 'wallet head does not match the last transaction');
    }
    if (available !== wallet.available_cents || held !== wallet.held_cents) {
      return broken(wallet.id, null, `stored balances (${wallet.available_cents}/${wallet.held_cents}) differ from postings (${available}/${held})`);
    }
  }
  return { ok: true, wallets_checked: wallets.length, transactions_checked: transactions, postings_checked: postingsChecked, first_broken: null };
}
