import { InvalidStateError } from '@bursar/core';
import { setAgentStatus } from '../../store/agents.js';
import { announceRevocation, revokeAgentKeys } from '../../store/keys.js';
import { activeLeaseOf, leasesGrantedBy, type LeaseRow } from '../../store/leases.js';
import { lockPolicy } from '../../store/policies.js';
import type { AgentRow } from '../../store/rows.js';
import { approvedHoldsOf, getSpend as getSpendRow, listSpend } from '../../store/spend.js';
import { withdrawApproval } from '../approvals/approvals.js';
import { endTrees, lockTrees } from '../budget/lease-endings.js';
import { asSystem, type ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { kindOf } from '../spend/kinds.js';
import { settleSpend } from '../spend/requests.js';
import { requireAgent } from './agents.js';
import { keyCache } from './keys.js';
import { presentAgent } from './present.js';

type Transition = 'pause' | 'resume' | 'revoke';
const target: Record<Transition, AgentRow['status']> = { pause: 'paused', resume: 'active', revoke: 'revoked' };
const eventType: Record<Transition, string> = { pause: 'agent.paused', resume: 'agent.resumed', revoke: 'agent.revoked' };

/** Pauses, resumes or revokes an agent. Revoking is final and revokes every key of the agent at once. */
export async function changeAgentStatus({ ctx, input }: { ctx: ServiceContext; input: { id: string; transition: Transition } }) {
  const found = await requireAgent(ctx, input.id);
  const to = target[input.transition];
  if (found.status === to) return presentAgent(found);
  // Under the agent's policy lock, which every decision and every use of its authorizations
  // takes: each either commits before this change or reads the new status (and revoking takes
  // the locks of what it ends first, in lock order). An agent's policy never changes.
  if (to === 'revoked') await lockAgentHoldings(ctx, found.id, found.policy_id);
  else await lockPolicy(ctx.tx, ctx.workspace.id, found.policy_id);
  const row = await requireAgent(ctx, input.id);
  if (row.status === to) return presentAgent(row);
  if (row.status === 'revoked') throw new InvalidStateError(`Agent ${row.id} is revoked; it cannot ${input.transition}`);
  const revokedAt = to === 'revoked' ? ctx.now : null;
  await setAgentStatus(ctx.tx, row.id, to, ctx.now, revokedAt);
  if (to === 'revoked') {
    const keys = await revokeAgentKeys(ctx.tx, row.id, ctx.now);
    await announceRevocation(ctx.tx, keys.map((k) => k.id));
    ctx.afterCommit(() => keys.forEach((k) => keyCache.evict(k.id)));
    await endAgentHoldings(ctx, row.id);
  }
  const after = presentAgent({ ...row, status: to, updated_at: ctx.now, revoked_at: revokedAt });
  await emitEvent(ctx, eventType[input.transition], after);
  await audit(ctx, eventType[input.transition], 'agent', row.id, presentAgent(row), after);
  return after;
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
 * Takes, before an agent's status changes, every lock its revocation will need, in the global
 * lock order: its policy and those of the lease trees it is part of, then those leases. Every
 * use of the agent's authorizations holds its policy's lock too, so a use either commits before
 * the revocation or reads the agent as revoked.
 */
async function lockAgentHoldings(ctx: ServiceContext, agentId: string, policyId: string): Promise<void> {
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
async function endAgentHoldings(ctx: ServiceContext, agentId: string) {
  await endTrees(ctx, await rootsOf(ctx, agentId), 'revoked', agentId);
  const sys = asSystem(ctx);
  for (const held of await approvedHoldsOf(ctx.tx, ctx.workspace.id, agentId)) {
    await settleSpend({ ctx: sys, input: { id: held.id, action: 'cancel', cancellation_reason: 'agent_revoked' } });
    // What the kind holds besides the money (a card authorization, a checkout credential) ends with it.
    await kindOf(held.kind).onAgentRevoked?.(ctx, held);
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
      await kindOf(row.kind).onDeclinedWithAgent?.(ctx, (await getSpendRow(ctx.tx, ctx.workspace.id, row.id))!);
    }
    cursor = page.has_more ? page.next_cursor ?? undefined : undefined;
  } while (cursor);
}
