import { InvalidRequestError, NotFoundError, newId, type AgentStatus } from '@bursar/core';
import { getAgent as getAgentRow, insertAgent, listAgents as listAgentRows } from '../../store/agents.js';
import { getPolicy } from '../../store/policies.js';
import type { AgentRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';
import { audit, emitEvent } from '../events/outbox.js';
import { presentAgent } from './present.js';

/** The agent `id` of the workspace, or 404. */
export async function requireAgent(ctx: ServiceContext, id: string): Promise<AgentRow> {
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
  input: { limit: number; cursor?: string | undefined; status?: AgentStatus | undefined; policy_id?: string | undefined };
}) {
  const page = await listAgentRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentAgent) };
}
