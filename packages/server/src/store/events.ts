import type { Executor } from '../db/database.js';
import { toPage, type AuditRow, type EventRow, type Page } from './rows.js';

export async function insertEvent(db: Executor, row: EventRow): Promise<void> {
  await db.insertInto('events').values(row).execute();
}

export async function insertAudit(db: Executor, row: AuditRow): Promise<void> {
  await db.insertInto('audit_log').values(row).execute();
}

export async function listEvents(
  db: Executor,
  workspaceId: string,
  filter: { type?: string | undefined; object_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<EventRow>> {
  let q = db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.type) q = q.where('type', '=', filter.type);
  if (filter.object_id) q = q.where('object_id', '=', filter.object_id);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

export async function listAudit(db: Executor, workspaceId: string, limit: number, cursor?: string): Promise<Page<AuditRow>> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
