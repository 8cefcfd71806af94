import { newId } from '@bursar/core';
import { executeWrites, type Write } from '../../db/prepared.js';
import { auditInsert, eventInsert } from '../../store/events.js';
import { actorId, type ServiceContext } from '../context.js';

const listeners = new Set<() => void>();

/** Calls `fn` whenever new outbox rows have committed; returns the unsubscribe function. */
export function onOutbox(fn: () => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** Tells the webhook worker that there is something to deliver. */
export function notifyOutbox(): void {
  for (const fn of listeners) fn();
}

/**
 * Writes an event into the outbox in the caller's transaction, so it commits with the change it
 * describes or not at all. Delivery (webhooks) reads the outbox afterwards.
 */
export async function emitEvent(ctx: ServiceContext, type: string, object: { id: string }): Promise<string> {
  const { id, write } = eventWrite(ctx, type, object);
  await executeWrites(ctx.tx, [write]);
  return id;
}

/** emitEvent's write, for a batch of writes; the webhook worker is woken once the transaction commits. */
export function eventWrite(ctx: ServiceContext, type: string, object: { id: string }): { id: string; write: Write } {
  return eventWriteAbout(ctx, type, object.id, object);
}

/** eventWrite for an object without an id of its own (a budget alert): `objectId` is what the event is filed under. */
export function eventWriteAbout(ctx: ServiceContext, type: string, objectId: string, object: object): { id: string; write: Write } {
  const id = newId('evt', ctx.now);
  const write = eventInsert({
    id,
    workspace_id: ctx.workspace.id,
    type,
    object_id: objectId,
    livemode: ctx.workspace.livemode ? 1 : 0,
    data: JSON.stringify({ object }),
    created_at: ctx.now,
    dispatched: 0,
  });
  ctx.afterCommit(notifyOutbox);
  return { id, write };
}

/** Appends an audit entry (who did what to which object, before and after) in the caller's transaction. */
export async function audit(
  ctx: ServiceContext,
  action: string,
  objectType: string,
  objectId: string,
  before: unknown,
  after: unknown,
): Promise<void> {
  await executeWrites(ctx.tx, [auditWrite(ctx, action, objectType, objectId, before, after)]);
}

/** audit's write, for a batch of writes. */
export function auditWrite(ctx: ServiceContext, action: string, objectType: string, objectId: string, before: unknown, after: unknown): Write {
  return auditInsert({
    id: newId('aud', ctx.now),
    workspace_id: ctx.workspace.id,
    actor_type: ctx.actor.type,
    actor_id: actorId(ctx.actor),
    action,
    object_type: objectType,
    object_id: objectId,
    before: before === null || before === undefined ? null : JSON.stringify(before),
    after: after === null || after === undefined ? null : JSON.stringify(after),
    created_at: ctx.now,
  });
}
