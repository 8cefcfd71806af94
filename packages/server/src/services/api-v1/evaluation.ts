import {
  BursarError, ForbiddenError, InvalidRequestError, InvalidStateError, NotFoundError,
  type ApiDecision, type ApiDecisionReason, type EvaluateInput,
} from '@bursar/core';
import { getAgent } from '../../store/agents.js';
import { getApproval } from '../../store/approvals.js';
import { getPolicy } from '../../store/policies.js';
import { agentsNamed, getHandle, listHandles, lockName, oldestPolicy } from '../../store/policy-api.js';
import type { AgentRow, ApprovalRow, SpendRow } from '../../store/rows.js';
import { createAgent } from '../agents/agents.js';
import { approveApproval, declineApproval } from '../approvals/approvals.js';
import type { ServiceContext } from '../context.js';
import { iso } from '../iso.js';
import { createSpend, visibleSpend } from '../spend/requests.js';

/**
 * The /api/v1 reason for each decision code. The reference has no codes for a paused or revoked
 * agent, nor for weekly and total budgets: a paused or revoked agent has no policy that lets it
 * spend now (NO_ACTIVE_POLICY); a weekly or total budget is a period budget longer than a day
 * (EXCEEDS_MONTHLY_LIMIT). /v1/spend-requests/:id keeps the exact decision_code.
 */
const reasonOf: Partial<Record<string, ApiDecisionReason>> = {
  approved: 'OK',
  agent_paused: 'NO_ACTIVE_POLICY',
  agent_revoked: 'NO_ACTIVE_POLICY',
  policy_inactive: 'NO_ACTIVE_POLICY',
  merchant_blocked: 'BLOCKED_MERCHANT',
  merchant_not_allowed: 'MERCHANT_NOT_ALLOWED',
  category_blocked: 'BLOCKED_CATEGORY',
  category_not_allowed: 'CATEGORY_NOT_ALLOWED',
  exceeds_single_limit: 'EXCEEDS_SINGLE_LIMIT',
  velocity_limit_minute: 'VELOCITY_LIMIT_MINUTE',
  velocity_limit_hour: 'VELOCITY_LIMIT_HOUR',
  requires_approval: 'REQUIRES_APPROVAL',
  exceeds_daily_budget: 'EXCEEDS_DAILY_LIMIT',
  exceeds_weekly_budget: 'EXCEEDS_MONTHLY_LIMIT',
  exceeds_monthly_budget: 'EXCEEDS_MONTHLY_LIMIT',
  exceeds_total_budget: 'EXCEEDS_MONTHLY_LIMIT',
  insufficient_funds: 'INSUFFICIENT_FUNDS',
};

/**
 * The evaluation's answer as the reference states it: a request that went to a human stays
 * REQUIRE_APPROVAL (its approval block tells the outcome); a declined one is DENY; anything else
 * was allowed.
 */
export function decisionOf(s: Pick<SpendRow, 'status' | 'decision_code' | 'approval_id'>): { decision: ApiDecision; decisionReason: ApiDecisionReason } {
  if (s.approval_id !== null) return { decision: 'REQUIRE_APPROVAL', decisionReason: 'REQUIRES_APPROVAL' };
  if (s.status === 'declined') return { decision: 'DENY', decisionReason: reasonOf[s.decision_code] ?? 'NO_ACTIVE_POLICY' };
  return { decision: 'ALLOW', decisionReason: 'OK' };
}

const approvalStatus = { pending: 'PENDING', approved: 'APPROVED', declined: 'REJECTED', expired: 'EXPIRED' } as const;

function approvalBlock(a: ApprovalRow) {
  return {
    id: a.id,
    status: approvalStatus[a.status as keyof typeof approvalStatus] ?? 'PENDING',
    decidedAt: a.decided_at === null ? null : iso(a.decided_at),
    note: a.note,
  };
}

/**
 * `agentId` is an agent id or an external name. A spending key evaluates for its own agent
 * only; a management key may name any agent, and an unknown name (one that does not start with
 * `agt_`) registers a new agent under the workspace's default policy (its oldest, the one
 * provisioning created). Only a management key registers agents this way.
 */
async function resolveAgent(ctx: ServiceContext, ref: string): Promise<AgentRow> {
  const own = (a: AgentRow) => {
    if (ctx.actor.type === 'agent' && a.id !== ctx.actor.agentId) throw new ForbiddenError("agentId: a spending key evaluates only for its own agent");
    return a;
  };
  // Anything spelled like one of our agent ids is one: an unknown one is a 404, never a new agent's name.
  if (ref.startsWith('agt_')) {
    const agent = await getAgent(ctx.tx, ctx.workspace.id, ref);
    if (!agent) throw new NotFoundError('agent', ref);
    return own(agent);
  }
  if (ctx.actor.type === 'agent') {
    const agent = await getAgent(ctx.tx, ctx.workspace.id, ctx.actor.agentId);
    if (agent && agent.name === ref) return agent;
    throw new ForbiddenError("agentId: a spending key evaluates only for its own agent");
  }
  // Two first evaluations of one new name must register one agent.
  await lockName(ctx.tx, `agent-name:${ctx.workspace.id}:${ref}`);
  const named = await agentsNamed(ctx.tx, ctx.workspace.id, ref);
  // A revoked name stays revoked (and is denied) unless the operator made a live agent of that name.
  const found = named.find((a) => a.status !== 'revoked') ?? named[named.length - 1];
  if (found) return found;
  const policy = await oldestPolicy(ctx.tx, ctx.workspace.id);
  if (!policy) throw new InvalidStateError('This workspace has no policy to register a new agent under; create one first');
  const created = await createAgent({ ctx, input: { name: ref, policy_id: policy.id } });
  return (await getAgent(ctx.tx, ctx.workspace.id, created.id))!;
}

/** /v1 field names in errors from the core, as this dialect spells them. */
const dialectField: Record<string, string> = { currency: 'unit', callback_url: 'callbackUrl', merchant_name: 'merchant', amount_cents: 'amountMinor' };

/** Runs `fn`, renaming a /v1 field named by an invalid_request error to this dialect's name. */
export async function inDialect<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const field = err instanceof BursarError && err.code === 'invalid_request' ? err.details.field : undefined;
    if (typeof field === 'string' && dialectField[field]) {
      const name = dialectField[field]!;
      // The error says what is wrong with the field apart from its name (`predicate`), or is a
      // sentence of its own; either way it is told under this dialect's name for the field.
      const what = (err as InvalidRequestError).predicate ?? (err as Error).message;
      throw new InvalidRequestError(`${name}: ${what}`, name);
    }
    throw err;
  }
}

/**
 * POST /api/v1/spend/evaluate: the same decision, in the same transaction, as
 * POST /v1/spend-requests; the spend request it records is the one /v1 shows.
 */
export async function evaluateSpend({ ctx, input }: { ctx: ServiceContext; input: EvaluateInput }) {
  const agent = await resolveAgent(ctx, input.agentId);
  const policy = await getPolicy(ctx.tx, ctx.workspace.id, agent.policy_id);
  if (policy && policy.currency !== input.unit.toLowerCase()) {
    throw new InvalidRequestError(`unit: must be '${policy.currency.toUpperCase()}', the currency of this agent's policy`, 'unit');
  }
  let handleId: string | null = null;
  if (input.handleId !== undefined) {
    const handle = await getHandle(ctx.tx, ctx.workspace.id, input.handleId);
    if (!handle) throw new InvalidRequestError(`handleId: no such payment handle: '${input.handleId}'`, 'handleId');
    handleId = handle.id;
  } else {
    handleId = (await listHandles(ctx.tx, ctx.workspace.id))[0]?.id ?? null;
  }
  const { spend, fundingShortfall } = await inDialect(() =>
    createSpend({
      ctx,
      input: {
        agent_id: agent.id,
        amount_cents: input.amountMinor,
        currency: input.unit.toLowerCase(),
        merchant_name: input.merchant,
        category: input.category,
        reason: input.reason,
        // The reference allows any JSON object; it is stored as JSON either way.
        metadata: input.metadata as Record<string, string | number | boolean | null> | undefined,
        callback_url: input.callbackUrl,
        payment_handle_id: handleId,
      },
    }),
  );
  const { decision, decisionReason } = decisionOf(spend);
  const body: { decision: ApiDecision; decisionReason: ApiDecisionReason; spendRequestId: string; sat?: string } = {
    decision,
    decisionReason,
    spendRequestId: spend.id,
  };
  if (decision === 'ALLOW' && spend.authorization_token) body.sat = spend.authorization_token;
  return { body, fundingShortfall, amountCents: spend.amount_cents, currency: spend.currency };
}

/** GET /api/v1/spend-requests/:id: the /v1 request in this dialect, with its approval block. */
export async function getEvaluatedSpend({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const s = await visibleSpend(ctx, input.id);
  const approval = s.approval_id ? await getApproval(ctx.tx, ctx.workspace.id, s.approval_id) : undefined;
  return {
    id: s.id,
    ...decisionOf(s),
    status: s.status,
    agentId: s.agent_id,
    amountMinor: s.amount_cents,
    unit: s.currency.toUpperCase(),
    merchant: s.merchant_name,
    category: s.category,
    reason: s.reason,
    sat: s.authorization_token,
    paymentHandleId: s.payment_handle_id,
    createdAt: iso(s.created_at),
    approval: approval ? approvalBlock(approval) : null,
  };
}

/** POST /api/v1/approvals/:id/resolve: APPROVED or REJECTED, through the /v1 approval service. */
export async function resolveApproval({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string; status: 'APPROVED' | 'REJECTED'; note?: string | null | undefined; overrideBudget?: boolean | undefined };
}) {
  const note = input.note ?? undefined;
  const result =
    input.status === 'APPROVED'
      ? await approveApproval({ ctx, input: { id: input.id, note, override_budget: input.overrideBudget } })
      : await declineApproval({ ctx, input: { id: input.id, note } });
  const row = await getApproval(ctx.tx, ctx.workspace.id, input.id);
  return { ...approvalBlock(row!), spendRequestId: result.spend_request_id, sat: result.spend_request.authorization_token };
}
