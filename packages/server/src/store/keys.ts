import { sql } from 'kysely';
import { isPostgres, type Executor } from '../db/database.js';
import { toPage, type ApiKeyRow, type Page } from './rows.js';

export async function insertKey(db: Executor, row: ApiKeyRow): Promise<void> {
  await db.insertInto('api_keys').values(row).execute();
}

export async function keyByHash(db: Executor, secretHash: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('secret_hash', '=', secretHash).executeTakeFirst();
}

export async function getKey(db: Executor, workspaceId: string, id: string): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function revokeKey(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
}

/** Revokes every live key of an agent; returns the ones it revoked. */
export async function revokeAgentKeys(db: Executor, agentId: string, now: number): Promise<ApiKeyRow[]> {
  const live = await db.selectFrom('api_keys').selectAll().where('agent_id', '=', agentId).where('revoked_at', 'is', null).execute();
  if (live.length > 0) {
    await db.updateTable('api_keys').set({ revoked_at: now }).where('agent_id', '=', agentId).where('revoked_at', 'is', null).execute();
  }
  return live;
}

export async function touchKey(db: Executor, id: string, now: number): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', id).execute();
}

export async function listKeys(
  db: Executor,
  workspaceId: string,
  filter: { agent_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<ApiKeyRow>> {
  let q = db.selectFrom('api_keys').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.agent_id) q = q.where('agent_id', '=', filter.agent_id);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Tells every process (PostgreSQL NOTIFY, delivered at commit) to drop these keys from its cache. */
export async function announceRevocation(db: Executor, keyIds: readonly string[]): Promise<void> {
  if (!isPostgres(db)) return;
  for (const id of keyIds) await sql`select pg_notify('bursar_key_revoked', ${id})`.execute(db);
}
