import { InvalidStateError, NotFoundError } from '@bursar/core';
import { getAgent } from '../../store/agents.js';
import { endedLeasesDrawnFrom, type LeaseRow } from '../../store/leases.js';
import { getSpend as getSpendRow, openHoldsOnLease } from '../../store/spend.js';
import { asSystem, type ServiceContext } from '../context.js';
import { lockInOrder } from './hold.js';
import { closeTree, leaseTree, visibleLease } from './leases.js';
import { presentLease } from './present.js';
import { settleSpend } from '../spend/requests.js';

/** How a lease tree ends. */
export type Ending = 'released' | 'expired' | 'revoked';

async function lessorPolicy(ctx: ServiceContext, l: LeaseRow): Promise<string[]> {
  const a = await getAgent(ctx.tx, ctx.workspace.id, l.parent_agent_id);
  return a ? [a.policy_id] : [];
}

/**
 * Locks several lease trees: every policy involved first (sorted), then every lease (id order),
 * so the global lock order (policies, leases, wallet) holds even though each close touches the
 * wallet. Returns the trees.
 */
export async function lockTrees(ctx: ServiceContext, roots: LeaseRow[], extraPolicies: string[] = []): Promise<LeaseRow[][]> {
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
export async function endTrees(ctx: ServiceContext, roots: LeaseRow[], ending: Ending, revokedAgentId?: string) {
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
