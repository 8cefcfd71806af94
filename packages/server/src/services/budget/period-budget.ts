import { foldLookalikes, normalizeMerchant, type BudgetPeriod } from '@bursar/core';
import type { Executor } from '../../db/database.js';
import type { Rules, WindowUsage } from '../../policy/decide.js';
import { windowAt, type Window } from '../../policy/periods.js';
import type { PolicyRow } from '../../store/rows.js';
import { usageFor } from '../../store/usage.js';

export const periods: readonly BudgetPeriod[] = ['daily', 'weekly', 'monthly', 'total'];

const limitOf: Record<BudgetPeriod, (p: PolicyRow) => number | null> = {
  daily: (p) => p.daily_limit_cents,
  weekly: (p) => p.weekly_limit_cents,
  monthly: (p) => p.monthly_limit_cents,
  total: (p) => p.total_limit_cents,
};

/** Normalizes a category for matching: as merchants, hidden characters, trademark signs and look-alikes fold away. */
export function normalizeCategory(category: string): string {
  return foldLookalikes(category).trim();
}

/** The policy's rules with its lists normalized for matching. */
export function rulesOf(p: PolicyRow): Rules {
  const list = (json: string) => JSON.parse(json) as string[];
  return {
    isActive: p.is_active === 1,
    maxSingleAmountCents: p.max_single_amount_cents,
    requireApprovalOverCents: p.require_approval_over_cents,
    maxTransactionsPerMinute: p.max_transactions_per_minute,
    maxTransactionsPerHour: p.max_transactions_per_hour,
    allowedMerchants: list(p.allowed_merchants).map(normalizeMerchant),
    blockedMerchants: list(p.blocked_merchants).map(normalizeMerchant),
    allowedCategories: list(p.allowed_categories).map(normalizeCategory),
    blockedCategories: list(p.blocked_categories).map(normalizeCategory),
  };
}

/** Every window containing `now`: usage is counted in all four, limited or not, so a limit added later sees past spend. */
export function windowsAt(p: PolicyRow, now: number): Window[] {
  return periods.map((period) => windowAt(period, now, p.timezone));
}

export interface BudgetState {
  /** The limited windows with their usage, in period order. */
  usage: WindowUsage[];
  windows: Window[];
}

/** Reads what the policy has spent and holds in the current windows. */
export async function budgetState(db: Executor, p: PolicyRow, now: number): Promise<BudgetState> {
  const windows = windowsAt(p, now);
  const limited = limitedOf(p, windows);
  const rows = limited.length > 0 ? await usageFor(db, p.id, limited) : [];
  return budgetStateOf(p, windows, limited.map((w) => {
    const row = rows.find((r) => r.period === w.period && r.window_key === w.key);
    return { spent: row?.spent_cents ?? 0, held: row?.held_cents ?? 0 };
  }));
}

/** The windows, of `windows`, that the policy limits: the ones whose counters a decision reads. */
export function limitedOf(p: PolicyRow, windows: readonly Window[]): Window[] {
  return windows.filter((w) => limitOf[w.period](p) !== null);
}

/** The budget state from counters already read: `counters[i]` is what `limitedOf(p, windows)[i]` spent and holds. */
export function budgetStateOf(p: PolicyRow, windows: Window[], counters: ReadonlyArray<{ spent: number; held: number }>): BudgetState {
  const usage = limitedOf(p, windows).map((w, i) => ({
    period: w.period, limitCents: limitOf[w.period](p)!, spentCents: counters[i]?.spent ?? 0, heldCents: counters[i]?.held ?? 0,
  }));
  return { usage, windows };
}

export function resetsAtOf(windows: readonly Window[], period: BudgetPeriod): number | null {
  return windows.find((w) => w.period === period)?.resetsAt ?? null;
}
