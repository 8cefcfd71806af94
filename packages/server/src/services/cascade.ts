import { InvalidStateError, NotFoundError } from '@bursar/core';
import { getAgent } from '../store/agents.js';
import { activeLeaseOf, endedLeasesDrawnFrom, leasesGrantedBy, type LeaseRow } from '../store/leases.js';
import { openAuthorizationsOfSpend } from '../store/cards.js';
import { approvedHoldsOf, getSpend as getSpendRow, listSpend, openHoldsOnLease } from '../store/spend.js';
import { withdrawApproval } from './approvals.js';
import { resolveCardAuthorization } from './card-authorizations.js';
import { intentCancelledWithAgent, intentDeclinedWithAgent } from './checkout.js';
import type { ServiceContext } from './context.js';
import { closeTree, leaseTree, lockInOrder, presentLease, visibleLease } from './leases.js';
import { settleSpend } from './spend.js';

type Ending = 'released' | 'expired' | 'revoked';

/** Cascaded cancels act as Bursar itself: the releaser may not be allowed to see the child's requests. */
function asSystem(ctx: ServiceContext): ServiceContext {
  return { ...ctx, actor: { type: 'system' } };
}

async function lessorPolicy(ctx: ServiceContext, l: LeaseRow): Promise<string[]> {
  const a = await getAgent(ctx.tx, ctx.workspace.id, l.parent_agent_id);
  return a ? [a.policy_id] : [];
}

/** Every lease tree an agent's revocation ends: the lease it spends from and the leases it granted. */
async function rootsOf(ctx: ServiceContext, agentId: string): Promise<LeaseRow[]> {
  const roots: LeaseRow[] = [];
  const own = await activeLeaseOf(ctx.tx, ctx.workspace.id, agentId);
  if (own) roots.push(own);
  for (const l of await leasesGrantedBy(ctx.tx, ctx.workspace.id, agentId)) if (l.source_lease_id !== own?.id) roots.push(l);
  return roots;
}

/**
 * Locks several lease trees: every policy involved first (sorted), then every lease (id order),
 * so the global lock order (policies, leases, wallet) holds even though each close touches the
 * wallet. Returns the trees.
 */
async function lockTrees(ctx: ServiceContext, roots: LeaseRow[], extraPolicies: string[] = []): Promise<LeaseRow[][]> {
  const trees = [];
  const policies = [...extraPolicies];
  const leases: string[] = [];
  for (const root of roots) {
    const t = await leaseTree(ctx, root);
    trees.push(t.leases);
    policies.push(...t.policyIds, ...(await lessorPolicy(ctx, root)));
    leases.push(...t.leases.map((l) => l.id));
    if (root.source_lease_id) leases.push(root.source_lease_id);
  }
  await lockInOrder(ctx, policies, leases);
  return trees;
}

/**
 * Ends several lease trees in one transaction, under `lockTrees`'s locks. Revoked with an agent,
 * the holds drawn on them are cancelled: its own with `agent_revoked`, its children's (on the
 * leases it granted) with `lease_revoked`.
 */
async function endTrees(ctx: ServiceContext, roots: LeaseRow[], ending: Ending, revokedAgentId?: string) {
  const trees = await lockTrees(ctx, roots, []);
  const sys = asSystem(ctx);
  const cancel = async (id: string) => {
    const row = (await getSpendRow(ctx.tx, ctx.workspace.id, id))!;
    const reason = row.agent_id === revokedAgentId ? 'agent_revoked' : 'lease_revoked';
    await settleSpend({ ctx: sys, input: { id, action: 'cancel', cancellation_reason: reason } });
  };
  // The holds a lease carries: drawn on it, and on the leases drawn from it that ended with holds still open.
  const holds = async (leaseId: string): Promise<string[]> => {
    const ids = await openHoldsOnLease(ctx.tx, leaseId);
    for (const ended of await endedLeasesDrawnFrom(ctx.tx, leaseId)) if (ended.held_cents > 0) ids.push(...(await holds(ended.id)));
    return ids;
  };
  const closed = [];
  for (const t of trees) closed.push(...(await closeTree(ctx, t, ending, cancel, holds)));
  return closed;
}

/** POST /budget-leases/:id/release: cancels the child's open holds on it (and on leases drawn from it) and returns the unspent rest. */
export async function releaseLease({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const lease = await visibleLease(ctx, input.id);
  // The child may hand back its lease; the parent (or an operator) may take it back.
  if (lease.status !== 'active') throw new InvalidStateError(`Budget lease ${lease.id} is already ${lease.status}`, { status: lease.status });
  await endTrees(ctx, [lease], 'released');
  const after = await visibleLease(ctx, input.id);
  if (after.status === 'active') throw new InvalidStateError(`Budget lease ${lease.id} changed while releasing; retry`);
  return presentLease(after);
}

/** The sweeper's path: a lease past its expires_at ends like a release. */
export async function expireLease({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const lease = await visibleLease(ctx, input.id).catch((err: unknown) => {
    if (err instanceof NotFoundError) return null;
    throw err;
  });
  if (!lease || lease.status !== 'active') return null;
  return (await endTrees(ctx, [lease], 'expired'))[0] ?? null;
}

/**
 * Takes, before an agent's status changes, every lock its revocation will need, in the global
 * lock order: its policy and those of the lease trees it is part of, then those leases. Every
 * use of the agent's authorizations holds its policy's lock too, so a use either commits before
 * the revocation or reads the agent as revoked.
 */
export async function lockAgentHoldings(ctx: ServiceContext, agentId: string, policyId: string): Promise<void> {
  await lockTrees(ctx, await rootsOf(ctx, agentId), [policyId]);
}

/**
 * Revoking an agent ends what it holds: the lease it spends from and the leases it granted (and
 * everything drawn from them) are revoked; every approved hold of it, of any kind, is cancelled
 * (`cancellation_reason: "agent_revoked"`) with the card authorizations drawn on it, its
 * checkout intents' credentials are cancelled; its requests waiting on a human end declined.
 * Its keys are revoked by the caller; its execution and authorization tokens die because every
 * use checks the agent's status. Call after `lockAgentHoldings`.
 */
export async function endAgentHoldings(ctx: ServiceContext, agentId: string) {
  await endTrees(ctx, await rootsOf(ctx, agentId), 'revoked', agentId);
  const sys = asSystem(ctx);
  for (const held of await approvedHoldsOf(ctx.tx, ctx.workspace.id, agentId)) {
    await settleSpend({ ctx: sys, input: { id: held.id, action: 'cancel', cancellation_reason: 'agent_revoked' } });
    // A card authorization drawn on the hold has nothing left to capture: reversed now, not at its expiry.
    for (const a of await openAuthorizationsOfSpend(ctx.tx, held.id)) await resolveCardAuthorization({ ctx: sys, input: { id: a.id, action: 'reverse' } });
    if (held.kind === 'checkout') await intentCancelledWithAgent(ctx, held.id);
  }
  await closePendingOf(ctx, agentId);
}

/**
 * A revoked agent's requests waiting on a human leave the approvals queue with it: spend
 * requests, checkout intents, reservations and payments end `declined` (`agent_revoked`), their
 * approvals closed by the operator who revoked it. Nothing was held for them. Pausing does not
 * come here: a paused agent can be resumed, and its requests still wait for a decision.
 */
async function closePendingOf(ctx: ServiceContext, agentId: string) {
  let cursor: string | undefined;
  do {
    const page = await listSpend(ctx.tx, ctx.workspace.id, { status: 'needs_approval', agent_id: agentId }, 100, cursor);
    for (const row of page.data) {
      if (!row.approval_id) continue;
      await withdrawApproval({ ctx, input: { id: row.approval_id, note: 'Agent revoked', because: 'agent_revoked' } });
      if (row.kind === 'checkout') await intentDeclinedWithAgent(ctx, row.id);
    }
    cursor = page.has_more ? page.next_cursor ?? undefined : undefined;
  } while (cursor);
}
