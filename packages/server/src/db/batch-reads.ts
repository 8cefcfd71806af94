import { policyLockedByBatch } from './decision-batch.js';
import type { Tx } from './database.js';
import type { AgentRow, WalletRow } from '../store/rows.js';

/**
 * What the decisions of one batch (see DecisionBatcher) read under their locks, kept from one
 * decision to the next so that each reads the database once per budget instead of once per
 * decision: the wallet (per currency), each policy's window counters and its agents' statuses.
 *
 * Sound because the batch holds every lock these depend on until it commits: the policies (so
 * no other process decides, settles, pauses or revokes on them) and, from its first decision on,
 * the wallet. Each decision of the batch updates what it changed (an approved hold: the wallet's
 * balances and chain head, and `held` of every window); anything else that moves money in the
 * batch's transaction forgets it all (forgetBatchReads). The wallet's chain head is written
 * conditionally on its sequence, so a stale copy could only fail a batch, never fork the chain.
 * Never used outside a batch, nor for policies with velocity limits (their counts depend on the
 * moment of each decision).
 */
interface Reads {
  wallets: Map<string, WalletRow>;
  /** `policy id` → the window keys the counters are for, and the counters of limitedOf(policy, windows). */
  counters: Map<string, { windowsKey: string; counters: Array<{ spent: number; held: number }> }>;
  statuses: Map<string, AgentRow['status']>;
}

const batches = new WeakMap<Tx, Reads>();

export interface CachedReads {
  wallet: WalletRow;
  counters: Array<{ spent: number; held: number }>;
  agentStatus: AgentRow['status'];
}

/** The reads of an earlier decision of this batch, if it made them for this wallet, policy, windows and agent. */
export function cachedReads(tx: Tx, q: { policyId: string; currency: string; windowsKey: string; agentId: string }): CachedReads | undefined {
  const reads = batches.get(tx);
  if (!reads || !policyLockedByBatch(tx, q.policyId)) return undefined;
  const wallet = reads.wallets.get(q.currency);
  const counters = reads.counters.get(q.policyId);
  const agentStatus = reads.statuses.get(q.agentId);
  if (!wallet || !counters || counters.windowsKey !== q.windowsKey || agentStatus === undefined) return undefined;
  return { wallet, counters: counters.counters.map((c) => ({ ...c })), agentStatus };
}

/** Keeps what a decision of a batch read under its locks, for the next ones. */
export function rememberReads(tx: Tx, q: { policyId: string; currency: string; windowsKey: string; agentId: string }, read: CachedReads): void {
  if (!policyLockedByBatch(tx, q.policyId)) return;
  let reads = batches.get(tx);
  if (!reads) batches.set(tx, (reads = { wallets: new Map(), counters: new Map(), statuses: new Map() }));
  reads.wallets.set(q.currency, read.wallet);
  reads.counters.set(q.policyId, { windowsKey: q.windowsKey, counters: read.counters.map((c) => ({ ...c })) });
  reads.statuses.set(q.agentId, read.agentStatus);
}

/** An approved hold of `amount` on the policy's windows, with the wallet as the hold left it. */
export function heldInBatch(tx: Tx, policyId: string, wallet: WalletRow, amount: number): void {
  const reads = batches.get(tx);
  if (!reads) return;
  reads.wallets.set(wallet.currency, wallet);
  for (const c of reads.counters.get(policyId)?.counters ?? []) c.held += amount;
}

const wholeBatchRead = new WeakSet<Tx>();

/** True the first time it is asked for `tx`: a batch reads the budgets of all its decisions at most once. */
export function firstWholeBatchRead(tx: Tx): boolean {
  if (wholeBatchRead.has(tx)) return false;
  wholeBatchRead.add(tx);
  return true;
}

/** Something other than a decision's own hold changed money in this transaction: read again. */
export function forgetBatchReads(tx: Tx): void {
  batches.delete(tx);
}
