import type { Database } from '../db/database.js';
import { getAgent } from '../store/agents.js';
import { activeLeaseOf } from '../store/leases.js';
import { getPlan } from '../store/policy-api.js';
import type { AgentRow } from '../store/rows.js';
import type { ReadAhead, ServiceContext } from './context.js';

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
