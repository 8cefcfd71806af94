import { ForbiddenError, InvalidRequestError, newId, normalizeMerchant, type Violation, type estimateBody, type upsertPriceBody } from '@bursar/core';
import type { z } from 'zod';
import { budgetView, decide, reasons, type Decision } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { getPolicy } from '../../store/policies.js';
import { findPrice, listPrices as listPriceRows, upsertPrice, type PriceRow } from '../../store/prices.js';
import type { AgentRow } from '../../store/rows.js';
import { countVelocity } from '../../store/spend.js';
import { walletForCurrency } from '../../store/wallets.js';
import { normalizeCategory, rulesOf } from '../budget/period-budget.js';
import type { ServiceContext } from '../context.js';
import { budgetSourceFor } from '../budget/source.js';
import { audit } from '../events/outbox.js';
import { presentPrice } from './present.js';

const verdictOf = { approved: 'allow', declined: 'deny', needs_approval: 'approval_required' } as const;

/** The agent a SpendGuard call is about: a spending key's own, or the `agent_id` a management key names. */
export async function actingAgent(ctx: ServiceContext, agentId: string | undefined): Promise<AgentRow> {
  let id = agentId;
  if (ctx.actor.type === 'agent') {
    if (id !== undefined && id !== ctx.actor.agentId) throw new ForbiddenError('A spending key acts only for its own agent');
    id = ctx.actor.agentId;
  }
  if (id === undefined) throw new InvalidRequestError('agent_id is required with a management key', 'agent_id');
  const agent = await getAgent(ctx.tx, ctx.workspace.id, id);
  if (!agent) throw new InvalidRequestError(`No such agent: '${id}'`, 'agent_id');
  return agent;
}

/**
 * What a spend would be decided as right now, by the same pure engine, reading but never
 * writing or locking anything (no hold, no counter, no event, no audit).
 */
export async function authorizeSpend({
  ctx,
  input,
  budgetOnly = false,
}: {
  ctx: ServiceContext;
  input: { amount_cents: number; currency: string; merchant_name: string; category?: string | undefined; agent_id?: string | undefined };
  /** Delegation: only the agent's status and budget apply, not merchant rules, caps or velocity. */
  budgetOnly?: boolean;
}) {
  const agent = await actingAgent(ctx, input.agent_id);
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  if (!policy) throw new Error(`agent ${agent.id} has no policy`);
  if (input.currency !== policy.currency) throw InvalidRequestError.about('currency', `must be '${policy.currency}', the currency of this agent's policy`);
  const src = await budgetSourceFor(ctx, agent.id, policy, false);
  const rules = budgetOnly
    ? { ...rulesOf(policy), maxSingleAmountCents: null, requireApprovalOverCents: null, maxTransactionsPerMinute: null, maxTransactionsPerHour: null, allowedMerchants: [], blockedMerchants: [], allowedCategories: [], blockedCategories: [] }
    : rulesOf(policy);
  const minute = !budgetOnly && policy.max_transactions_per_minute !== null ? await countVelocity(ctx.tx, policy.id, ctx.now - 60_000) : 0;
  const hour = !budgetOnly && policy.max_transactions_per_hour !== null ? await countVelocity(ctx.tx, policy.id, ctx.now - 3_600_000) : 0;
  let decision: Decision = decide(
    rules,
    { windows: src.usage, transactionsLastMinute: minute, transactionsLastHour: hour },
    {
      amountCents: input.amount_cents,
      currency: input.currency,
      merchantKey: normalizeMerchant(input.merchant_name),
      category: input.category === undefined ? null : normalizeCategory(input.category),
      agentStatus: agent.status,
    },
  );
  if (!budgetOnly && decision.status === 'approved') {
    const wallet = await walletForCurrency(ctx.tx, ctx.workspace.id, input.currency);
    if (!wallet || wallet.available_cents < input.amount_cents) {
      const v: Violation = { code: 'insufficient_funds', message: reasons.insufficient_funds };
      decision = { ...decision, status: 'declined', code: v.code, reason: v.message, violations: [v] };
    }
  }
  const now = budgetView(src.usage);
  return {
    object: 'authorization_decision' as const,
    decision: verdictOf[decision.status],
    reasons: decision.violations,
    remaining_budget_cents: now.remainingBudgetCents,
    budget_period: now.budgetPeriod,
    agent_id: agent.id,
    lease_id: src.lease?.id ?? null,
  };
}

type EstimateInput = z.output<typeof estimateBody>;

async function priceOrFail(ctx: ServiceContext, kind: 'model' | 'tool', name: string, currency: string | undefined, field: string): Promise<PriceRow> {
  const p = await findPrice(ctx.tx, ctx.workspace.id, kind, name, currency);
  if (!p) throw new InvalidRequestError(`No ${kind} named '${name}'${currency ? ` priced in ${currency}` : ''} in the price catalog (/v1/spend-guard/prices)`, field);
  return p;
}

/** Prices an action from the catalog (rounded up to whole cents), then authorizes that cost. */
export async function estimateSpend({ ctx, input }: { ctx: ServiceContext; input: EstimateInput }) {
  let cost: number;
  let currency: string;
  let merchant: string;
  const breakdown: Array<{ item: string; quantity: number; unit_price_cents: number; per: string; cost_cents: number }> = [];
  if (input.kind === 'payment' || input.kind === 'delegated') {
    cost = input.amount_cents;
    currency = input.currency;
    merchant = input.kind === 'payment' ? input.merchant_name : 'budget lease';
    breakdown.push({ item: input.kind, quantity: 1, unit_price_cents: cost, per: 'each', cost_cents: cost });
  } else if (input.kind === 'token') {
    const p = await priceOrFail(ctx, 'model', input.model, input.currency, 'model');
    const inRate = p.input_per_million_cents ?? 0;
    const outRate = p.output_per_million_cents ?? inRate;
    const exact = (input.input_tokens * inRate + input.output_tokens * outRate) / 1_000_000;
    cost = Math.ceil(exact - 1e-9);
    ({ currency, merchant_name: merchant } = p);
    breakdown.push({ item: `${p.name} input tokens`, quantity: input.input_tokens, unit_price_cents: inRate, per: '1M tokens', cost_cents: (input.input_tokens * inRate) / 1_000_000 });
    breakdown.push({ item: `${p.name} output tokens`, quantity: input.output_tokens, unit_price_cents: outRate, per: '1M tokens', cost_cents: (input.output_tokens * outRate) / 1_000_000 });
  } else {
    const p = await priceOrFail(ctx, 'tool', input.tool, input.currency, 'tool');
    const rate = p.per_call_cents ?? 0;
    cost = Math.ceil(input.calls * rate - 1e-9);
    ({ currency, merchant_name: merchant } = p);
    breakdown.push({ item: `${p.name} calls`, quantity: input.calls, unit_price_cents: rate, per: 'call', cost_cents: input.calls * rate });
  }
  if (input.kind === 'delegated' && input.child_agent_id !== undefined) {
    const child = await getAgent(ctx.tx, ctx.workspace.id, input.child_agent_id);
    if (!child) throw new InvalidRequestError(`No such agent: '${input.child_agent_id}'`, 'child_agent_id');
  }
  const verdict = await authorizeSpend({
    ctx,
    input: { amount_cents: cost, currency, merchant_name: merchant, category: input.kind === 'payment' ? input.category : undefined, agent_id: input.agent_id },
    budgetOnly: input.kind === 'delegated',
  });
  return { ...verdict, object: 'estimate' as const, kind: input.kind, estimated_cost_cents: cost, currency, merchant_name: merchant, breakdown };
}

export async function listPrices({ ctx }: { ctx: ServiceContext }) {
  return { data: (await listPriceRows(ctx.tx, ctx.workspace.id)).map(presentPrice), has_more: false, next_cursor: null };
}

/** Sets one catalog entry (model or tool, per currency); audited. */
export async function setPrice({ ctx, input }: { ctx: ServiceContext; input: z.output<typeof upsertPriceBody> }) {
  const before = await findPrice(ctx.tx, ctx.workspace.id, input.kind, input.name, input.currency);
  const row: PriceRow = {
    id: before?.id ?? newId('prc', ctx.now),
    workspace_id: ctx.workspace.id,
    kind: input.kind,
    name: input.name,
    currency: input.currency,
    merchant_name: input.merchant_name ?? input.name,
    input_per_million_cents: input.kind === 'model' ? (input.input_per_million_cents ?? null) : null,
    output_per_million_cents: input.kind === 'model' ? (input.output_per_million_cents ?? null) : null,
    per_call_cents: input.kind === 'tool' ? (input.per_call_cents ?? null) : null,
    updated_at: ctx.now,
  };
  await upsertPrice(ctx.tx, row);
  const after = presentPrice(row);
  await audit(ctx, before ? 'price.updated' : 'price.created', 'price', row.id, before ? presentPrice(before) : null, after);
  return after;
}
