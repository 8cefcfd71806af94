import { BursarError, ForbiddenError, InvalidRequestError, InvalidStateError, NotFoundError, newId, type BudgetLease } from '@bursar/core';
import { budgetOverrun, budgetView } from '../../policy/decide.js';
import { getAgent } from '../../store/agents.js';
import { executeWrites } from '../../db/prepared.js';
import { activeLeaseOf, closeLease, getLease, insertLease, leasesGrantedBy, listLeases as listLeaseRows, type LeaseRow } from '../../store/leases.js';
import { lockPolicy } from '../../store/policies.js';
import { budgetAlertWrites } from './alerts.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentLease } from './present.js';
import { chargeHold, lockInOrder } from './hold.js';
import { budgetSourceFor } from './source.js';

async function agentOrFail(ctx: ServiceContext, id: string, field: string) {
  const a = await getAgent(ctx.tx, ctx.workspace.id, id);
  if (!a) throw new InvalidRequestError(`No such agent: '${id}'`, field);
  if (a.status !== 'active') throw new InvalidStateError(`Agent ${id} is ${a.status}`, { status: a.status });
  return a;
}

/** Hands `amount_cents` of the parent's remaining budget (or of the parent's own lease) to a child agent. */
export async function createLease({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { child_agent_id: string; amount_cents: number; currency: string; expires_at?: string | undefined; parent_agent_id?: string | undefined };
}) {
  let parentId = input.parent_agent_id;
  if (ctx.actor.type === 'agent') {
    if (parentId !== undefined && parentId !== ctx.actor.agentId) throw new ForbiddenError('A spending key leases only from its own agent');
    parentId = ctx.actor.agentId;
  } else if (ctx.actor.type !== 'operator') throw new ForbiddenError('Leases are granted with a spending key or a management key');
  if (parentId === undefined) throw new InvalidRequestError('parent_agent_id is required with a management key', 'parent_agent_id');
  const expiresAt = input.expires_at === undefined ? null : Date.parse(input.expires_at);
  if (expiresAt !== null && expiresAt <= ctx.now) throw new InvalidRequestError('expires_at must be in the future', 'expires_at');
  const parent = await agentOrFail(ctx, parentId, 'parent_agent_id');
  const child = await agentOrFail(ctx, input.child_agent_id, 'child_agent_id');
  // Parent links are set at registration and never change, so leases form a tree and never a cycle.
  if (child.parent_agent_id !== parent.id) throw new InvalidRequestError(`Agent ${child.id} is not a child of ${parent.id}`, 'child_agent_id');
  const sourceFound = await activeLeaseOf(ctx.tx, ctx.workspace.id, parent.id);
  await lockInOrder(ctx, [parent.policy_id, child.policy_id], sourceFound ? [sourceFound.id] : []);
  const parentPolicy = await lockPolicy(ctx.tx, ctx.workspace.id, parent.policy_id);
  const childPolicy = await lockPolicy(ctx.tx, ctx.workspace.id, child.policy_id);
  if (!parentPolicy || !childPolicy) throw new Error('agent without policy');
  for (const p of [parentPolicy, childPolicy]) {
    if (p.currency !== input.currency) throw InvalidRequestError.about('currency', `must be '${p.currency}', the currency of both agents' policies`);
  }
  if (await activeLeaseOf(ctx.tx, ctx.workspace.id, child.id)) throw new InvalidStateError(`Agent ${child.id} already has an active lease; release it first`);
  const src = await budgetSourceFor(ctx, parent.id, parentPolicy, true);
  const overrun = budgetOverrun(src.usage, input.amount_cents);
  if (overrun > 0) {
    throw new BursarError('budget_exceeded', `The parent has ${budgetView(src.usage).remainingBudgetCents} cents left; this lease exceeds it by ${overrun}`, {
      exceeds_budget_by_cents: overrun,
    });
  }
  const row: LeaseRow = {
    id: newId('lse', ctx.now),
    workspace_id: ctx.workspace.id,
    parent_agent_id: parent.id,
    child_agent_id: child.id,
    source_lease_id: src.lease?.id ?? null,
    source_policy_id: src.lease ? null : parentPolicy.id,
    hold_windows: JSON.stringify(src.windows),
    currency: input.currency,
    amount_cents: input.amount_cents,
    spent_cents: 0,
    held_cents: 0,
    status: 'active',
    expires_at: expiresAt,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    released_at: null,
  };
  // The whole amount leaves the parent's budget now, as held; release turns it into what was spent.
  await chargeHold(ctx, { lease_id: row.source_lease_id, policy_id: parentPolicy.id, hold_windows: row.hold_windows }, { spent: 0, held: row.amount_cents });
  await insertLease(ctx.tx, row);
  const lease = presentLease(row);
  await emitEvent(ctx, 'budget_lease.created', lease);
  // Granted from the parent's policy, the lease is held there: it may cross an alert threshold.
  if (src.lease === null) await executeWrites(ctx.tx, await budgetAlertWrites(ctx, parentPolicy, src, row.amount_cents));
  await audit(ctx, 'budget_lease.created', 'budget_lease', row.id, null, lease);
  return lease;
}

/** A lease and every active lease drawn from it, parents first, with the policies they involve. */
export async function leaseTree(ctx: ServiceContext, root: LeaseRow): Promise<{ leases: LeaseRow[]; policyIds: string[] }> {
  const leases: LeaseRow[] = [root];
  const policyIds: string[] = [];
  for (let i = 0; i < leases.length; i++) {
    const l = leases[i]!;
    for (const a of [l.parent_agent_id, l.child_agent_id]) {
      const agent = await getAgent(ctx.tx, ctx.workspace.id, a);
      if (agent) policyIds.push(agent.policy_id);
    }
    for (const sub of await leasesGrantedBy(ctx.tx, ctx.workspace.id, l.child_agent_id)) if (sub.source_lease_id === l.id) leases.push(sub);
  }
  return { leases, policyIds };
}

/**
 * Ends a lease tree, children first. Released or expired, a lease returns only its unheld,
 * unspent rest to where it came from at once: the holds drawn on it were approved, so they stay
 * valid and stay charged there until they settle (chargeHold passes each settlement on), the
 * way a closed card's pending authorizations still clear. Revoked (a security action: its agent
 * was revoked), the child's open holds are cancelled first and all of the rest returns. Call
 * after `lockInOrder` for the tree.
 */
export async function closeTree(ctx: ServiceContext, tree: LeaseRow[], status: 'released' | 'expired' | 'revoked', cancelHolds: (spendId: string) => Promise<void>, openHolds: (leaseId: string) => Promise<string[]>) {
  const closed: BudgetLease[] = [];
  for (const stale of [...tree].reverse()) {
    if (status === 'revoked') for (const spendId of await openHolds(stale.id)) await cancelHolds(spendId);
    const l = await getLease(ctx.tx, ctx.workspace.id, stale.id);
    if (!l || l.status !== 'active') continue;
    if (status === 'revoked' && l.held_cents !== 0) throw new Error(`lease ${l.id} still holds ${l.held_cents} after its holds were cancelled`);
    const source = { lease_id: l.source_lease_id, policy_id: l.source_policy_id ?? '', hold_windows: l.hold_windows };
    await chargeHold(ctx, source, { spent: l.spent_cents, held: -(l.amount_cents - l.held_cents) });
    if (!(await closeLease(ctx.tx, l.id, status, ctx.now))) throw new InvalidStateError(`Lease ${l.id} changed while closing; retry`);
    const after = presentLease({ ...l, status, released_at: ctx.now });
    await emitEvent(ctx, `budget_lease.${status}`, after);
    await audit(ctx, `budget_lease.${status}`, 'budget_lease', l.id, presentLease(l), after);
    closed.push(after);
  }
  return closed;
}

/** Loads a lease the actor may see: an agent key sees the leases it granted or received. */
export async function visibleLease(ctx: ServiceContext, id: string): Promise<LeaseRow> {
  const l = await getLease(ctx.tx, ctx.workspace.id, id);
  if (!l || (ctx.actor.type === 'agent' && l.parent_agent_id !== ctx.actor.agentId && l.child_agent_id !== ctx.actor.agentId)) throw new NotFoundError('budget lease', id);
  return l;
}

export async function listLeases({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined; status?: LeaseRow['status'] | undefined; agent_id?: string | undefined } }) {
  if (ctx.actor.type === 'agent') {
    const me = ctx.actor.agentId;
    // A spending key lists the leases its agent granted or received, nothing else.
    if (input.agent_id !== undefined && input.agent_id !== me) return { data: [], has_more: false, next_cursor: null };
    input = { ...input, agent_id: me };
  }
  const page = await listLeaseRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentLease) };
}
