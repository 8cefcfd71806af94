import type { AuditEntry } from '@bursar/core';
import { listAudit } from '../store/events.js';
import type { AuditRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';
import { iso } from './present.js';

function parsed(json: string | null): Record<string, unknown> | null {
  if (json === null) return null;
  const v: unknown = JSON.parse(json);
  // Entries store objects; anything else is shown wrapped rather than dropped.
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v };
}

/** The public shape of an audit entry. */
export function presentAuditEntry(r: AuditRow): AuditEntry {
  return {
    id: r.id,
    object: 'audit_entry',
    action: r.action,
    actor_type: r.actor_type as AuditEntry['actor_type'],
    actor_id: r.actor_id,
    object_type: r.object_type,
    object_id: r.object_id,
    before: parsed(r.before),
    after: parsed(r.after),
    created_at: iso(r.created_at),
  };
}

/** The workspace's audit log, newest first; filters by action, object and actor. */
export async function listAuditLog({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; action?: string | undefined; object_id?: string | undefined; actor_id?: string | undefined };
}) {
  const page = await listAudit(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentAuditEntry) };
}
