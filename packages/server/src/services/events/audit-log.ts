import { listAudit } from '../../store/events.js';
import type { ServiceContext } from '../context.js';
import { presentAuditEntry } from './present.js';


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
