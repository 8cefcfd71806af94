import type { ApprovalBudget } from '@bursar/core';
import { budgetOverrun, tightestWindow } from '../../policy/decide.js';
import { getLease, lockLease } from '../../store/leases.js';
import type { PolicyRow, SpendRow } from '../../store/rows.js';
import { budgetState } from '../budget/period-budget.js';
import type { ServiceContext } from '../context.js';
import { isLive, leaseWindow, type BudgetSource } from '../budget/leases.js';

/**
 * The budget a pending request is judged against when approving: the lease it was decided
 * under, else its policy's windows. `lock` locks the lease (approving; next in lock order
 * after the policy); the queue reads it without. Undefined when that lease has ended: there is
 * nothing left to approve it from.
 */
export async function approvalBudget(ctx: ServiceContext, spend: SpendRow, policy: PolicyRow, lock: boolean): Promise<BudgetSource | undefined> {
  if (spend.lease_id === null) {
    const b = await budgetState(ctx.tx, policy, ctx.now);
    return { lease: null, usage: b.usage, windows: b.windows.map((w) => ({ period: w.period, key: w.key })) };
  }
  const lease = lock ? await lockLease(ctx.tx, ctx.workspace.id, spend.lease_id) : await getLease(ctx.tx, ctx.workspace.id, spend.lease_id);
  if (!isLive(lease, ctx.now)) return undefined;
  return { lease, usage: [leaseWindow(lease)], windows: [] };
}

/**
 * By how much approving a pending request now would exceed its budget: the figure the approve
 * call refuses with, so the queue and the 409 agree. A request whose lease has ended fits
 * nothing, so all of it exceeds.
 */
export function approvalOverrun(budget: BudgetSource | undefined, amountCents: number): number {
  return budget ? budgetOverrun(budget.usage, amountCents) : amountCents;
}

/**
 * The tightest budget a request needing approval is judged against, as the approval shows it and
 * its history keeps it: limit, spent, held (this request not included) and by how much it exceeds.
 * Null when nothing limits it, or its lease has ended.
 */
export function approvalFigure(budget: BudgetSource | undefined, amountCents: number): ApprovalBudget | null {
  const w = budget ? tightestWindow(budget.usage, amountCents) : null;
  if (!w) return null;
  return {
    period: w.period,
    lease_id: w.leaseId ?? null,
    limit_cents: w.limitCents,
    spent_cents: w.spentCents,
    held_cents: w.heldCents,
    exceeds_by_cents: approvalOverrun(budget, amountCents),
  };
}
