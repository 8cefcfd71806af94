import { forgetBatchReads, heldInBatch } from '../../db/batch-reads.js';
import { executeWrites, type Write } from '../../db/prepared.js';
import { accounts, postTransaction, prepareTransaction } from '../../ledger/ledger.js';
import { getLease, leaseUsageAddition, lockLease } from '../../store/leases.js';
import { lockPolicy } from '../../store/policies.js';
import type { SpendRow, WalletRow } from '../../store/rows.js';
import { usageAddition } from '../../store/usage.js';
import type { ServiceContext } from '../context.js';

/*
 * The hold: money an approved request keeps aside until it is captured, released or expires.
 * Placing and ending one moves money in the ledger (available → held → merchants or back) and
 * charges the budget the hold lives on, in the caller's transaction, under the locks of
 * `lockInOrder`. Every path that holds money (decisions of every kind, approvals) and every path
 * that ends a hold (capture, cancel, fail, expire, a revoked agent) goes through here.
 */

type Windows = Array<{ period: string; key: string }>;

/**
 * Places the hold of an approved request (a decision's, or an operator's approval): the ledger
 * moves its amount from available to held, and the budget it lives on (`row.lease_id`, else the
 * policy's windows in `row.hold_windows`) is charged as held. Returns the writes, for the caller
 * to make in its transaction (a decision sends them with everything else it writes).
 */
export function placeHold(ctx: ServiceContext, wallet: WalletRow, row: Pick<SpendRow, 'id' | 'amount_cents' | 'lease_id' | 'policy_id' | 'hold_windows'>, description = `Hold for ${row.id}`): Write[] {
  const amount = row.amount_cents;
  const { writes, wallet: after } = prepareTransaction({
    wallet,
    type: 'hold',
    spendRequestId: row.id,
    description,
    postings: [
      { account: accounts.available(wallet.id), amount_cents: -amount, currency: wallet.currency },
      { account: accounts.held(wallet.id), amount_cents: amount, currency: wallet.currency },
    ],
    now: ctx.now,
  });
  if (row.lease_id === null) heldInBatch(ctx.tx, row.policy_id, after, amount);
  else forgetBatchReads(ctx.tx);
  return [...writes, ...holdCharge(row, { spent: 0, held: amount })];
}

/**
 * Ends a hold: `captured` of it goes to the merchants, the rest back to available, and its
 * budget is charged `captured` as spent and relieved of all it held. Call under `lockHoldChain`'s
 * locks and the wallet's.
 */
export async function endHold(ctx: ServiceContext, wallet: WalletRow, row: SpendRow, captured: number, description: string): Promise<void> {
  const released = row.held_cents - captured;
  const cur = wallet.currency;
  const postings = [{ account: accounts.held(wallet.id), amount_cents: -row.held_cents, currency: cur }];
  if (captured > 0) postings.push({ account: accounts.external('merchants', cur), amount_cents: captured, currency: cur });
  if (released > 0) postings.push({ account: accounts.available(wallet.id), amount_cents: released, currency: cur });
  await postTransaction(ctx.tx, { wallet, type: captured > 0 ? 'capture' : 'release', spendRequestId: row.id, description, postings, now: ctx.now });
  await chargeHold(ctx, row, { spent: captured, held: -row.held_cents });
}

/**
 * Charges a hold's change to where the hold lives: its policy's windows, or its lease. A lease
 * that has ended (released or expired) returned only its unheld rest to where it was drawn
 * from, so what its open holds still hold is charged there too, as held: the change goes up
 * the chain of ended leases to the first active lease, or to the policy's windows at its root.
 * Call under `lockHoldChain`'s locks.
 */
export async function chargeHold(ctx: ServiceContext, row: Pick<SpendRow, 'lease_id' | 'policy_id' | 'hold_windows'>, delta: { spent: number; held: number }) {
  if (row.lease_id === null) return executeWrites(ctx.tx, holdCharge(row, delta));
  const writes: Write[] = [];
  let id: string | null = row.lease_id;
  while (id !== null) {
    writes.push(leaseUsageAddition(id, delta));
    const l = await getLease(ctx.tx, ctx.workspace.id, id);
    if (!l || l.status === 'active') break;
    if (l.source_lease_id !== null) {
      id = l.source_lease_id;
      continue;
    }
    writes.push(...usageAddition(l.source_policy_id ?? '', JSON.parse(l.hold_windows) as Windows, delta));
    id = null;
  }
  await executeWrites(ctx.tx, writes);
}

/**
 * Locks what settling a hold drawn on `leaseId` writes (see chargeHold): the lease and, while
 * each has ended, the lease it was drawn from, and the policy at the root; policies first, then
 * leases in id order, together with the caller's `policyIds` (the hold's own policy).
 */
export async function lockHoldChain(ctx: ServiceContext, leaseId: string | null, policyIds: string[]): Promise<void> {
  const policies = [...policyIds];
  const leases: string[] = [];
  let id = leaseId;
  while (id !== null) {
    leases.push(id);
    const l = await getLease(ctx.tx, ctx.workspace.id, id);
    if (!l || l.status === 'active') break;
    if (l.source_lease_id === null && l.source_policy_id !== null) policies.push(l.source_policy_id);
    id = l.source_lease_id;
  }
  await lockInOrder(ctx, policies, leases);
}

/** chargeHold's writes, for a batch of writes. */
export function holdCharge(row: Pick<SpendRow, 'lease_id' | 'policy_id' | 'hold_windows'>, delta: { spent: number; held: number }): Write[] {
  if (row.lease_id !== null) return [leaseUsageAddition(row.lease_id, delta)];
  return usageAddition(row.policy_id, JSON.parse(row.hold_windows) as Windows, delta);
}

/** Locks policies (sorted by id), then leases (sorted by id: parents before children): the global lock order. */
export async function lockInOrder(ctx: ServiceContext, policyIds: Iterable<string>, leaseIds: Iterable<string>) {
  for (const id of [...new Set(policyIds)].sort()) await lockPolicy(ctx.tx, ctx.workspace.id, id);
  for (const id of [...new Set(leaseIds)].sort()) await lockLease(ctx.tx, ctx.workspace.id, id);
}
