import type { Executor } from '../db/database.js';
import { insertRow, insertWrite, type Write } from '../db/prepared.js';
import { toPage, type AuditRow, type EventRow, type Page } from './rows.js';

export async function insertEvent(db: Executor, row: EventRow): Promise<void> {
  await insertRow(db, 'events', row);
}

/** The insert of an outbox event, for a batch of writes. */
export function eventInsert(row: EventRow): Write {
  return insertWrite('events', row);
}

/** The insert of an audit entry, for a batch of writes. */
export function auditInsert(row: AuditRow): Write {
  return insertWrite('audit_log', row);
}

export async function insertAudit(db: Executor, row: AuditRow): Promise<void> {
  await insertRow(db, 'audit_log', row);
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

export async function listAudit(
  db: Executor,
  workspaceId: string,
  filter: { action?: string | undefined; object_id?: string | undefined; actor_id?: string | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<AuditRow>> {
  let q = db.selectFrom('audit_log').selectAll().where('workspace_id', '=', workspaceId);
  if (filter.action) q = q.where('action', '=', filter.action);
  if (filter.object_id) q = q.where('object_id', '=', filter.object_id);
  if (filter.actor_id) q = q.where('actor_id', '=', filter.actor_id);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}
