import type { AgentStatus } from '@bursar/core';
import { cachedReads, firstWholeBatchRead, rememberReads, type CachedReads } from '../../db/batch-reads.js';
import { batchScope } from '../../db/decision-batch.js';
import type { WindowUsage } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { activeLeaseOf, getLease, lockLease, type LeaseRow } from '../../store/leases.js';
import type { PolicyRow, SpendRow } from '../../store/rows.js';
import { counterKey, countVelocity, readForBatch, readForDecision } from '../../store/spend.js';
import { lockWalletForCurrency } from '../../store/wallets.js';
import type { ServiceContext } from '../context.js';
import type { Window } from '../../policy/periods.js';
import { budgetState, budgetStateOf, limitedOf, windowsAt } from './period-budget.js';

/*
 * The budget a decision is judged against, chosen here and only here: an agent with an active
 * lease spends from its lease, every other agent from its policy's windows. A decision reads it
 * with `decisionInputs` (under its locks), an estimate or a balance with `budgetSourceFor`, an
 * approval with `approvalBudget` (the lease the request was decided under, if any).
 */

type Windows = Array<{ period: string; key: string }>;

/** What a spend is charged to: the agent's active lease, or else its policy's windows. */
export interface BudgetSource {
  lease: LeaseRow | null;
  usage: WindowUsage[];
  /** Policy windows a hold is charged to; empty when a lease carries it. */
  windows: Windows;
}

/** A lease seen as one 'total' window: what it was given, what its child spent and holds. */
export function leaseWindow(l: LeaseRow): WindowUsage {
  return { period: 'total', limitCents: l.amount_cents, spentCents: l.spent_cents, heldCents: l.held_cents, leaseId: l.id };
}

/** The budget of an agent spending from its lease. */
const fromLease = (lease: LeaseRow): BudgetSource => ({ lease, usage: [leaseWindow(lease)], windows: [] });

/** The budget of an agent spending from its policy's windows (`usage` of each, the windows a hold is charged to). */
const fromWindows = (usage: WindowUsage[], windows: ReadonlyArray<{ period: string; key: string }>): BudgetSource =>
  ({ lease: null, usage, windows: windows.map((w) => ({ period: w.period, key: w.key })) });

/** Whether a lease is active and not past its expiry. */
export const isLive = (l: LeaseRow | undefined, now: number): l is LeaseRow => l !== undefined && l.status === 'active' && (l.expires_at === null || l.expires_at > now);

/**
 * The budget an agent spends from. An agent with an active lease spends only from it (its
 * policy's rules still apply, its policy's budgets do not: the lease was already charged to
 * the parent's). Call after locking the agent's policy; `lock` locks the lease (next in order).
 */
export async function budgetSourceFor(ctx: ServiceContext, agentId: string, policy: PolicyRow, lock: boolean): Promise<BudgetSource> {
  const found = await activeLeaseOf(ctx.tx, ctx.workspace.id, agentId);
  const lease = found && lock ? await lockLease(ctx.tx, ctx.workspace.id, found.id) : found;
  if (isLive(lease, ctx.now)) return fromLease(lease);
  const b = await budgetState(ctx.tx, policy, ctx.now);
  return fromWindows(b.usage, b.windows);
}

/**
 * The budget a pending request is judged against when approving: the lease it was decided
 * under, else its policy's windows. `lock` locks the lease (approving; next in lock order
 * after the policy); the queue reads it without. Undefined when that lease has ended: there is
 * nothing left to approve it from.
 */
export async function approvalBudget(ctx: ServiceContext, spend: SpendRow, policy: PolicyRow, lock: boolean): Promise<BudgetSource | undefined> {
  if (spend.lease_id === null) {
    const b = await budgetState(ctx.tx, policy, ctx.now);
    return fromWindows(b.usage, b.windows);
  }
  const lease = lock ? await lockLease(ctx.tx, ctx.workspace.id, spend.lease_id) : await getLease(ctx.tx, ctx.workspace.id, spend.lease_id);
  return isLive(lease, ctx.now) ? fromLease(lease) : undefined;
}

const windowsKeyOf = (limited: readonly Window[]) => limited.map((w) => `${w.period}:${w.key}`).join(',');

/**
 * In a decision batch, at the first decision that finds its budget not yet read: the budgets of
 * every decision the batch may make — each locked policy's windows, each agent's status, the
 * wallet (locked) — read in one statement and kept for the rest of the batch (batch-reads.ts),
 * instead of one statement per budget under the batch's locks. Undefined outside a batch, once
 * done, or when an agent of the batch has been granted a lease since it began: each decision
 * then reads for itself.
 */
async function readWholeBatch(ctx: ServiceContext, currency: string, want: Parameters<typeof cachedReads>[1]): Promise<CachedReads | undefined> {
  const scope = batchScope(ctx.tx);
  if (!scope || !firstWholeBatchRead(ctx.tx)) return undefined;
  const budgets = new Map<string, { limited: Window[]; windowsKey: string }>();
  for (const p of scope.policies) {
    // Velocity limits count requests at the moment of each decision: never read ahead.
    if (p.currency !== currency || p.max_transactions_per_minute !== null || p.max_transactions_per_hour !== null) continue;
    const limited = limitedOf(p, windowsAt(p, ctx.now));
    budgets.set(p.id, { limited, windowsKey: windowsKeyOf(limited) });
  }
  const agents = scope.agents.filter((a) => budgets.has(a.policy_id));
  if (agents.length === 0) return undefined;
  const read = await readForBatch(ctx.tx, {
    workspaceId: ctx.workspace.id,
    currency,
    agentIds: agents.map((a) => a.id),
    counters: [...budgets].flatMap(([policyId, b]) => b.limited.map((w) => ({ policyId, period: w.period, key: w.key }))),
  });
  if (!read) return undefined;
  for (const a of agents) {
    const agentStatus = read.statuses.get(a.id);
    if (agentStatus === undefined) continue;
    const b = budgets.get(a.policy_id)!;
    const counters = b.limited.map((w) => read.counters.get(counterKey(a.policy_id, w.period, w.key)) ?? { spent: 0, held: 0 });
    rememberReads(ctx.tx, { policyId: a.policy_id, currency, windowsKey: b.windowsKey, agentId: a.id }, { wallet: read.wallet, counters, agentStatus });
  }
  return cachedReads(ctx.tx, want);
}

async function velocity(ctx: ServiceContext, policy: PolicyRow) {
  const minute = policy.max_transactions_per_minute !== null ? await countVelocity(ctx.tx, policy.id, ctx.now - 60_000) : 0;
  const hour = policy.max_transactions_per_hour !== null ? await countVelocity(ctx.tx, policy.id, ctx.now - 3_600_000) : 0;
  return { minute, hour };
}

/**
 * Under the policy's lock, in lock order: the budget the agent spends from (its lease, locked,
 * else its policy's windows), the policy's velocity counts and the wallet (locked). `seen` is
 * the agent's active lease as read before the policy's lock; it is locked now and re-checked,
 * and so is its absence. One round trip (two with a lease) unless a lease was granted or ended
 * while this waited for the lock, or there is no wallet: then the reads are made one by one.
 */
export async function decisionInputs(ctx: ServiceContext, agentId: string, policy: PolicyRow, seen: LeaseRow | undefined, currency: string) {
  const lease = seen ? await lockLease(ctx.tx, ctx.workspace.id, seen.id) : undefined;
  const live = isLive(lease, ctx.now);
  const windows = windowsAt(policy, ctx.now);
  // In a batch, a budget the decisions before this one read already (see batch-reads.ts).
  const cacheable = !seen && policy.max_transactions_per_minute === null && policy.max_transactions_per_hour === null;
  const limited = limitedOf(policy, windows);
  const cacheKey = { policyId: policy.id, currency, windowsKey: windowsKeyOf(limited), agentId };
  const cached = cacheable ? (cachedReads(ctx.tx, cacheKey) ?? (await readWholeBatch(ctx, currency, cacheKey))) : undefined;
  if (cached) {
    const budget = fromWindows(budgetStateOf(policy, windows, cached.counters).usage, windows);
    return { budget, velocity: { minute: 0, hour: 0 }, wallet: cached.wallet, agentStatus: cached.agentStatus };
  }
  const read = await readForDecision(ctx.tx, {
    workspaceId: ctx.workspace.id,
    agentId,
    policyId: policy.id,
    currency,
    // The lease seen may still be the active one (live, or past its expiry); no other may be.
    leaseId: seen?.id ?? null,
    minuteSince: policy.max_transactions_per_minute !== null ? ctx.now - 60_000 : null,
    hourSince: policy.max_transactions_per_hour !== null ? ctx.now - 3_600_000 : null,
    windows: live ? [] : limited,
  });
  if (read && cacheable) rememberReads(ctx.tx, cacheKey, { wallet: read.wallet, counters: read.windows, agentStatus: read.agentStatus });
  if (read) {
    const v = { minute: read.minute ?? 0, hour: read.hour ?? 0 };
    const budget = live ? fromLease(lease) : fromWindows(budgetStateOf(policy, windows, read.windows).usage, windows);
    return { budget, velocity: v, wallet: read.wallet, agentStatus: read.agentStatus };
  }
  const budget = await budgetSourceFor(ctx, agentId, policy, true);
  const v = await velocity(ctx, policy);
  const agentStatus: AgentStatus = (await getAgent(ctx.tx, ctx.workspace.id, agentId))?.status ?? 'revoked';
  return { budget, velocity: v, wallet: await lockWalletForCurrency(ctx.tx, ctx.workspace.id, currency), agentStatus };
}
