import type { AgentStatus } from '@bursar/core';
import type { Executor } from '../db/database.js';
import { query } from '../db/prepared.js';
import { toPage, type AgentRow, type Page } from './rows.js';

export async function insertAgent(db: Executor, row: AgentRow): Promise<void> {
  await db.insertInto('agents').values(row).execute();
}

export async function getAgent(db: Executor, workspaceId: string, id: string): Promise<AgentRow | undefined> {
  return (await query<AgentRow>(db, 'select * from "agents" where "workspace_id" = ? and "id" = ?', [workspaceId, id]))[0];
}

export async function setAgentStatus(
  db: Executor,
  id: string,
  status: AgentRow['status'],
  now: number,
  revokedAt: number | null = null,
): Promise<void> {
  await db.updateTable('agents').set({ status, updated_at: now, revoked_at: revokedAt }).where('id', '=', id).execute();
}

export async function listAgents(
  db: Executor,
  workspaceId: string,
  filter: { status?: AgentStatus | undefined; policy_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<AgentRow>> {
  let q = db.selectFrom('agents').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.policy_id) q = q.where('policy_id', '=', filter.policy_id);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
