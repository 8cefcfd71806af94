import { formatMinor, type AgentStatus, type BudgetPeriod, type DecisionCode, type SpendStatus, type Violation } from '@bursar/core';

/** A policy's rules, with merchant and category lists already normalized. */
export interface Rules {
  isActive: boolean;
  maxSingleAmountCents: number | null;
  requireApprovalOverCents: number | null;
  maxTransactionsPerMinute: number | null;
  maxTransactionsPerHour: number | null;
  allowedMerchants: readonly string[];
  blockedMerchants: readonly string[];
  allowedCategories: readonly string[];
  blockedCategories: readonly string[];
}

/** One budget window's limit and what is already spent and held against it. */
export interface WindowUsage {
  period: BudgetPeriod;
  limitCents: number;
  spentCents: number;
  heldCents: number;
  /** Set when this is a budget lease the agent spends from rather than a window of its policy. */
  leaseId?: string | undefined;
}

/** What the policy has already consumed, read in the deciding transaction. */
export interface UsageSnapshot {
  windows: readonly WindowUsage[];
  transactionsLastMinute: number;
  transactionsLastHour: number;
}

/** The ask being decided. */
export interface Ask {
  amountCents: number;
  /** The ask's currency, to word budget violations in it (`$800.00`); the amounts alone without it. */
  currency?: string | undefined;
  merchantKey: string;
  category: string | null;
  agentStatus: AgentStatus;
}

export type DecisionStatus = Extract<SpendStatus, 'approved' | 'declined' | 'needs_approval'>;

export interface BudgetView {
  budgetPeriod: BudgetPeriod | null;
  remainingBudgetCents: number | null;
  remainingMonthlyBudgetCents: number | null;
}

export interface Decision extends BudgetView {
  status: DecisionStatus;
  code: DecisionCode;
  reason: string;
  violations: Violation[];
}

/** Human-readable reasons, worded as in the reference responses. */
export const reasons: Record<DecisionCode, string> = {
  approved: 'Spend request approved',
  agent_paused: 'Agent is paused',
  agent_revoked: 'Agent is revoked',
  policy_inactive: 'No active policy for this agent',
  merchant_blocked: 'Merchant is blocked by policy',
  merchant_not_allowed: 'Merchant is not on the policy allow list',
  category_blocked: 'Category is blocked by policy',
  category_not_allowed: 'Category is not on the policy allow list',
  exceeds_single_limit: 'Amount exceeds the single transaction limit',
  velocity_limit_minute: 'Too many transactions in the last minute',
  velocity_limit_hour: 'Too many transactions in the last hour',
  requires_approval: 'Amount requires approval',
  exceeds_daily_budget: 'Amount would exceed the budget for this period',
  exceeds_weekly_budget: 'Amount would exceed the budget for this period',
  exceeds_monthly_budget: 'Amount would exceed the budget for this period',
  exceeds_total_budget: 'Amount would exceed the budget for this period',
  insufficient_funds: 'Wallet balance is insufficient for this amount',
  declined_by_operator: 'Declined by operator',
};

const budgetCode: Record<BudgetPeriod, DecisionCode> = {
  daily: 'exceeds_daily_budget',
  weekly: 'exceeds_weekly_budget',
  monthly: 'exceeds_monthly_budget',
  total: 'exceeds_total_budget',
};

const periods: readonly BudgetPeriod[] = ['daily', 'weekly', 'monthly', 'total'];

function budgetViolation(w: WindowUsage, ask: Ask): Violation {
  const exceedsBy = -remaining(w, ask.amountCents);
  const money = (n: number) => (ask.currency ? formatMinor(n, ask.currency) : `${n} minor units`);
  const budget = w.leaseId !== undefined ? `budget lease ${w.leaseId}` : `${w.period} budget`;
  return {
    code: budgetCode[w.period],
    message: `Would exceed the ${budget} of ${money(w.limitCents)} by ${money(exceedsBy)}`,
    period: w.period,
    ...(w.leaseId !== undefined ? { lease_id: w.leaseId } : {}),
    limit_cents: w.limitCents,
    spent_cents: w.spentCents,
    held_cents: w.heldCents,
    exceeds_by_cents: exceedsBy,
  };
}

function remaining(w: WindowUsage, extra: number): number {
  return w.limitCents - w.spentCents - w.heldCents - extra;
}

/**
 * The tightest window after adding `extra` cents: which period binds, what remains of it
 * (never below zero) and what remains of the monthly window.
 */
/** The window with the least left after adding `extra`: the one that binds; null with no limited window. */
export function tightestWindow(windows: readonly WindowUsage[], extra = 0): WindowUsage | null {
  let binding: WindowUsage | null = null;
  for (const w of windows) {
    if (binding === null || remaining(w, extra) < remaining(binding, extra)) binding = w;
  }
  return binding;
}

export function budgetView(windows: readonly WindowUsage[], extra = 0): BudgetView {
  const binding = tightestWindow(windows, extra);
  const monthly = windows.find((w) => w.period === 'monthly');
  return {
    budgetPeriod: binding?.period ?? null,
    remainingBudgetCents: binding ? Math.max(0, remaining(binding, extra)) : null,
    remainingMonthlyBudgetCents: monthly ? Math.max(0, remaining(monthly, extra)) : null,
  };
}

/** By how much adding `amountCents` would overrun the tightest window; 0 when it fits. */
export function budgetOverrun(windows: readonly WindowUsage[], amountCents: number): number {
  let worst = 0;
  for (const w of windows) worst = Math.max(worst, -remaining(w, amountCents));
  return worst;
}

/**
 * Decides a spend. Pure: no I/O, no clock. Every violated rule is reported, in the order of
 * DESIGN.md; the first one decides the status.
 */
export function decide(rules: Rules, usage: UsageSnapshot, ask: Ask): Decision {
  const violations: Violation[] = [];
  const add = (code: DecisionCode, period?: BudgetPeriod) =>
    violations.push(period ? { code, message: reasons[code], period } : { code, message: reasons[code] });

  if (ask.agentStatus === 'revoked') add('agent_revoked');
  if (ask.agentStatus === 'paused') add('agent_paused');
  if (!rules.isActive) add('policy_inactive');

  // A blocked merchant off the allow list breaks both rules; both are reported.
  if (rules.blockedMerchants.includes(ask.merchantKey)) add('merchant_blocked');
  if (rules.allowedMerchants.length > 0 && !rules.allowedMerchants.includes(ask.merchantKey)) add('merchant_not_allowed');

  if (ask.category !== null && rules.blockedCategories.includes(ask.category)) add('category_blocked');
  if (rules.allowedCategories.length > 0 && (ask.category === null || !rules.allowedCategories.includes(ask.category))) {
    add('category_not_allowed');
  }

  if (rules.maxSingleAmountCents !== null && ask.amountCents > rules.maxSingleAmountCents) add('exceeds_single_limit');

  if (rules.maxTransactionsPerMinute !== null && usage.transactionsLastMinute >= rules.maxTransactionsPerMinute) {
    add('velocity_limit_minute');
  }
  if (rules.maxTransactionsPerHour !== null && usage.transactionsLastHour >= rules.maxTransactionsPerHour) {
    add('velocity_limit_hour');
  }

  if (rules.requireApprovalOverCents !== null && ask.amountCents > rules.requireApprovalOverCents) add('requires_approval');

  // In period order whatever order the caller lists its windows in; each says which window or
  // lease, its limit, what was spent and held, and by how much this ask would go past it.
  for (const period of periods) {
    const w = usage.windows.find((x) => x.period === period);
    if (w && remaining(w, ask.amountCents) < 0) violations.push(budgetViolation(w, ask));
  }

  const first = violations[0];
  if (first === undefined) {
    return { status: 'approved', code: 'approved', reason: reasons.approved, violations, ...budgetView(usage.windows, ask.amountCents) };
  }
  const status: DecisionStatus = first.code === 'requires_approval' ? 'needs_approval' : 'declined';
  // The tightest window before this ask; when a budget is exceeded it is always one that is.
  return { status, code: first.code, reason: first.message, violations, ...budgetView(usage.windows) };
}
