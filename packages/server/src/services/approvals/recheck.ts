import type { ApprovalBudget } from '@bursar/core';
import { budgetOverrun, tightestWindow } from '../../policy/decide.js';
import type { BudgetSource } from '../budget/source.js';


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
