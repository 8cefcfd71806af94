import { agentReadByBatch } from '../db/decision-batch.js';
import { getAgent } from '../store/agents.js';
import { activeLeaseOf } from '../store/leases.js';
import type { LeaseRow } from '../store/leases.js';
import type { PlanRow } from '../store/policy-api.js';
import type { AgentRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';
import { planOf } from './workspace/plans.js';

/**
 * What a decision reads before it takes any lock: its agent, the workspace's plan and the
 * agent's active lease. In a decision batch (PostgreSQL) the batch read them for all its
 * decisions at its start, and an agent it decides for has no lease; alone, they are read here,
 * before the policy's lock. Either way no later than the lock, which is what they mean: the
 * lease (or its absence) and the agent's status are read again under the policy's lock.
 */
export async function lockFreeReads(ctx: ServiceContext, agentId: string): Promise<{ agent: AgentRow | undefined; plan: PlanRow | undefined; lease: LeaseRow | undefined }> {
  const read = agentReadByBatch(ctx.tx, agentId);
  if (read) return { agent: read.agent, plan: read.plan, lease: undefined };
  const agent = await getAgent(ctx.tx, ctx.workspace.id, agentId);
  if (!agent) return { agent, plan: undefined, lease: undefined };
  return { agent, plan: await planOf(ctx), lease: await activeLeaseOf(ctx.tx, ctx.workspace.id, agent.id) };
}
