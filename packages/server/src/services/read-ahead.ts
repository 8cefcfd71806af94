import type { Database } from '../db/database.js';
import { getAgent } from '../store/agents.js';
import { activeLeaseOf, type LeaseRow } from '../store/leases.js';
import { getPlan, type PlanRow } from '../store/policy-api.js';
import type { AgentRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';

/**
 * What a decision reads before it takes any lock — its agent, the workspace's plan and the
 * agent's active lease — read before the decision joins its batch, on a connection of its own,
 * while the batch holding the budget's lock decides others. The same reads inside the deciding
 * transaction would come no later than this relative to the lock (they take none), so they mean
 * the same: the lease is locked and checked again under the policy's lock, and the agent's
 * status is read again there too.
 */
export interface ReadAhead {
  agentId: string;
  agent: AgentRow | undefined;
  plan: PlanRow | undefined;
  lease: LeaseRow | undefined;
}

export async function readAhead(db: Database, workspaceId: string, agentId: string): Promise<ReadAhead> {
  const [agent, plan, lease] = await Promise.all([
    getAgent(db.db, workspaceId, agentId),
    getPlan(db.db, workspaceId),
    activeLeaseOf(db.db, workspaceId, agentId),
  ]);
  return { agentId, agent, plan, lease };
}

/** The agent `id`, from the read-ahead when it was made for that agent. */
export function agentOf(ctx: ServiceContext, id: string): Promise<AgentRow | undefined> {
  const ahead = ctx.readAhead;
  return ahead?.agentId === id ? Promise.resolve(ahead.agent) : getAgent(ctx.tx, ctx.workspace.id, id);
}
