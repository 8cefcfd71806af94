import { NotFoundError, type Balance } from '@bursar/core';
import { budgetView } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { getPolicy } from '../../store/policies.js';
import { walletForCurrency } from '../../store/wallets.js';
import { resetsAtOf, windowsAt } from './period-budget.js';
import { budgetSourceFor } from './source.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';

/**
 * What an agent may still spend: its wallet, and the budget its next spend is judged against,
 * read as the decision reads it: its active lease (one 'total' budget) if it has one, else
 * every budget window of its policy.
 */
export async function getBalance({ ctx, input }: { ctx: ServiceContext; input: { agent_id: string } }): Promise<Balance> {
  const agent = await getAgent(ctx.tx, ctx.workspace.id, input.agent_id);
  if (!agent) throw new NotFoundError('agent', input.agent_id);
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  if (!policy) throw new NotFoundError('policy', agent.policy_id);
  const wallet = await walletForCurrency(ctx.tx, ctx.workspace.id, policy.currency);
  const budget = await budgetSourceFor(ctx, agent.id, policy, false);
  const windows = windowsAt(policy, ctx.now);
  const view = budgetView(budget.usage);
  return {
    object: 'balance',
    agent_id: agent.id,
    currency: policy.currency,
    wallet: { id: wallet?.id ?? null, available_cents: wallet?.available_cents ?? 0, held_cents: wallet?.held_cents ?? 0 },
    budget_period: view.budgetPeriod,
    remaining_budget_cents: view.remainingBudgetCents,
    remaining_monthly_budget_cents: view.remainingMonthlyBudgetCents,
    budgets: budget.usage.map((u) => {
      // A lease never resets: what its child does not spend returns to the parent when it ends.
      const resetsAt = budget.lease ? null : resetsAtOf(windows, u.period);
      return {
        period: u.period,
        limit_cents: u.limitCents,
        spent_cents: u.spentCents,
        held_cents: u.heldCents,
        remaining_cents: Math.max(0, u.limitCents - u.spentCents - u.heldCents),
        resets_at: resetsAt === null ? null : iso(resetsAt),
      };
    }),
  };
}
