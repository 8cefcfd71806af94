import { SEALED_PREFIX } from '../crypto/encryption.js';
import { isPostgres, type Executor } from '../db/database.js';
import type { DB } from '../db/schema.js';
import { toPage, type EventRow, type Page } from './rows.js';

export type EndpointRow = DB['webhook_endpoints'];
export type DeliveryRow = DB['webhook_deliveries'];
export type AttemptRow = DB['webhook_attempts'];

export async function insertEndpoint(db: Executor, row: EndpointRow): Promise<void> {
  await db.insertInto('webhook_endpoints').values(row).execute();
}

export async function getEndpoint(db: Executor, workspaceId: string, id: string): Promise<EndpointRow | undefined> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export async function endpointById(db: Executor, id: string): Promise<EndpointRow | undefined> {
  return db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateEndpoint(db: Executor, id: string, changes: Partial<Omit<EndpointRow, 'id' | 'workspace_id'>>): Promise<void> {
  await db.updateTable('webhook_endpoints').set(changes).where('id', '=', id).execute();
}

/** Endpoints, deleted ones too, with a secret not yet sealed (written before secrets were sealed). */
export async function endpointsWithUnsealedSecrets(db: Executor): Promise<Pick<EndpointRow, 'id' | 'secret' | 'previous_secret'>[]> {
  return db
    .selectFrom('webhook_endpoints')
    .select(['id', 'secret', 'previous_secret'])
    .where((eb) => eb.or([eb('secret', 'not like', `${SEALED_PREFIX}%`), eb('previous_secret', 'not like', `${SEALED_PREFIX}%`)]))
    .execute();
}

export async function listEndpoints(db: Executor, workspaceId: string, limit: number, cursor?: string): Promise<Page<EndpointRow>> {
  let q = db.selectFrom('webhook_endpoints').selectAll().where('workspace_id', '=', workspaceId).where('deleted_at', 'is', null);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

export async function enabledEndpoints(db: Executor, workspaceId: string): Promise<EndpointRow[]> {
  return db
    .selectFrom('webhook_endpoints')
    .selectAll()
    .where('workspace_id', '=', workspaceId)
    .where('status', '=', 'enabled')
    .where('deleted_at', 'is', null)
    .execute();
}

/** Outbox events not yet fanned out to deliveries, oldest first. */
export async function undispatchedEvents(db: Executor, limit: number): Promise<EventRow[]> {
  const q = db.selectFrom('events').selectAll().where('dispatched', '=', 0).orderBy('id').limit(limit);
  // Several processes dispatch at once; each takes rows no other has locked.
  return (isPostgres(db) ? q.forUpdate().skipLocked() : q).execute();
}

export async function markDispatched(db: Executor, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await db.updateTable('events').set({ dispatched: 1 }).where('id', 'in', ids).execute();
}

export async function getEvent(db: Executor, workspaceId: string, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function eventById(db: Executor, id: string): Promise<EventRow | undefined> {
  return db.selectFrom('events').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertDelivery(db: Executor, row: DeliveryRow): Promise<void> {
  await db.insertInto('webhook_deliveries').values(row).execute();
}

export async function getDelivery(db: Executor, workspaceId: string, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('webhook_deliveries').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

/**
 * Claims up to `limit` due deliveries by leasing them until `leaseUntil`; a crashed sender's
 * lease runs out and the delivery is claimed again (at-least-once).
 */
export async function claimDue(db: Executor, now: number, leaseUntil: number, limit: number): Promise<DeliveryRow[]> {
  const q = db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where('locked_until', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit);
  // FOR UPDATE SKIP LOCKED: concurrent claimers in other processes pass over these rows.
  const due = await (isPostgres(db) ? q.forUpdate().skipLocked() : q).execute();
  if (due.length === 0) return [];
  await db
    .updateTable('webhook_deliveries')
    .set({ locked_until: leaseUntil })
    .where('id', 'in', due.map((d) => d.id))
    .execute();
  return due.map((d) => ({ ...d, locked_until: leaseUntil }));
}

export async function updateDelivery(db: Executor, id: string, changes: Partial<Omit<DeliveryRow, 'id' | 'workspace_id'>>): Promise<void> {
  await db.updateTable('webhook_deliveries').set(changes).where('id', '=', id).execute();
}

/** Gives up every pending delivery to an endpoint (it was disabled or deleted). */
export async function failPendingFor(db: Executor, endpointId: string, now: number): Promise<void> {
  await db
    .updateTable('webhook_deliveries')
    .set({ status: 'failed', next_attempt_at: null, updated_at: now })
    .where('endpoint_id', '=', endpointId)
    .where('status', '=', 'pending')
    .execute();
}

export async function insertAttempt(db: Executor, row: AttemptRow): Promise<void> {
  await db.insertInto('webhook_attempts').values(row).execute();
}

export async function getAttempt(db: Executor, workspaceId: string, id: string): Promise<AttemptRow | undefined> {
  return db.selectFrom('webhook_attempts').selectAll().where('workspace_id', '=', workspaceId).where('id', '=', id).executeTakeFirst();
}

export async function listAttempts(
  db: Executor,
  endpointId: string,
  filter: { event_id?: string | undefined; succeeded?: boolean | undefined },
  limit: number,
  cursor?: string,
): Promise<Page<AttemptRow>> {
  let q = db.selectFrom('webhook_attempts').selectAll().where('endpoint_id', '=', endpointId);
  if (filter.event_id) q = q.where('event_id', '=', filter.event_id);
  if (filter.succeeded !== undefined) q = q.where('succeeded', '=', filter.succeeded ? 1 : 0);
  if (cursor) q = q.where('id', '<', cursor);
  return toPage(await q.orderBy('id', 'desc').limit(limit + 1).execute(), limit);
}

/** Spend requests' callback URLs, for fanning out their events. */
export async function callbackUrls(db: Executor, spendIds: readonly string[]): Promise<Map<string, string>> {
  if (spendIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('spend_requests')
    .select(['id', 'callback_url'])
    .where('id', 'in', spendIds)
    .where('callback_url', 'is not', null)
    .execute();
  return new Map(rows.map((r) => [r.id, r.callback_url!]));
}
