import { InvalidRequestError, InvalidStateError, NotFoundError, newId } from '@bursar/core';
import { getAgent as getAgentRow, insertAgent, listAgents as listAgentRows, setAgentStatus } from '../store/agents.js';
import { announceRevocation, revokeAgentKeys } from '../store/keys.js';
import { getPolicy, lockPolicy } from '../store/policies.js';
import type { AgentRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';
import { endAgentHoldings, lockAgentHoldings } from './cascade.js';
import { keyCache } from './keys.js';
import { audit, emitEvent } from './outbox.js';
import { presentAgent } from './present.js';

async function requireAgent(ctx: ServiceContext, id: string): Promise<AgentRow> {
  const row = await getAgentRow(ctx.tx, ctx.workspace.id, id);
  if (!row) throw new NotFoundError('agent', id);
  return row;
}

export async function createAgent({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { name: string; policy_id: string; parent_agent_id?: string | null | undefined };
}) {
  if (!(await getPolicy(ctx.tx, ctx.workspace.id, input.policy_id))) {
    throw new InvalidRequestError(`No such policy: '${input.policy_id}'`, 'policy_id');
  }
  if (input.parent_agent_id) {
    const parent = await getAgentRow(ctx.tx, ctx.workspace.id, input.parent_agent_id);
    if (!parent) throw new InvalidRequestError(`No such agent: '${input.parent_agent_id}'`, 'parent_agent_id');
    if (parent.status === 'revoked') throw new InvalidRequestError('The parent agent is revoked', 'parent_agent_id');
  }
  const row: AgentRow = {
    id: newId('agt', ctx.now),
    workspace_id: ctx.workspace.id,
    name: input.name,
    policy_id: input.policy_id,
    parent_agent_id: input.parent_agent_id ?? null,
    status: 'active',
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
    revoked_at: null,
  };
  await insertAgent(ctx.tx, row);
  const agent = presentAgent(row);
  await emitEvent(ctx, 'agent.created', agent);
  await audit(ctx, 'agent.created', 'agent', row.id, null, agent);
  return agent;
}

export async function getAgent({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentAgent(await requireAgent(ctx, input.id));
}

export async function listAgents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; status?: string | undefined; policy_id?: string | undefined };
}) {
  const page = await listAgentRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentAgent) };
}

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
