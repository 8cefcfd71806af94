import { isoOrNull, iso } from '../iso.js';
import { InvalidRequestError, NotFoundError, generateWebhookSecret, newId, type createWebhookBody, type updateWebhookBody } from '@bursar/core';
import type { z } from 'zod';
import { type EndpointRow, failPendingFor, getAttempt, getDelivery, getEndpoint, getEvent, insertEndpoint, listAttempts, listEndpoints, updateDelivery, updateEndpoint } from '../../store/webhooks.js';
import { listEvents as listEventRows } from '../../store/events.js';
import { getWorkspace, setCallbackSecret } from '../../store/workspaces.js';
import { refuseUrl, urlPolicy } from '../../webhooks/ssrf.js';
import type { ServiceConfig, ServiceContext } from '../context.js';
import { audit, notifyOutbox } from './outbox.js';
import { presentEndpoint, presentEvent, presentAttempt, presentDelivery } from './present.js';

/** How long the previous secret keeps signing after a rotation. */
export const ROTATION_OVERLAP_MS = 24 * 3600 * 1000;

/** Associated data of a sealed endpoint secret: one moved to another row or field does not open. */
export const endpointSecretAad = (endpointId: string, field: 'secret' | 'previous_secret') => `webhook_endpoint:${endpointId}:${field}`;

/** Associated data of a sealed workspace callback secret. */
export const callbackSecretAad = (workspaceId: string, field: 'callback_secret' | 'previous_callback_secret') =>
  `workspace:${workspaceId}:${field}`;

/** The secrets that sign an endpoint's deliveries now: the current one, and the previous during its overlap. */
export function openEndpointSecrets(config: ServiceConfig, ep: EndpointRow, now: number): string[] {
  const secrets = [config.secrets.decrypt(ep.secret, endpointSecretAad(ep.id, 'secret'))];
  if (ep.previous_secret && (ep.previous_secret_expires_at ?? 0) > now) {
    secrets.push(config.secrets.decrypt(ep.previous_secret, endpointSecretAad(ep.id, 'previous_secret')));
  }
  return secrets;
}

/**
 * Refuses a URL the SSRF guard would not deliver to. Call it before the transaction: it may
 * resolve DNS, which must never happen while the database is held (SQLite has one connection).
 */
export async function checkDeliveryUrl(
  config: ServiceContext['config'],
  livemode: boolean,
  url: string | undefined,
  field: 'url' | 'callback_url' = 'url',
): Promise<void> {
  if (url === undefined) return;
  const refused = await refuseUrl(url, urlPolicy(config, livemode));
  if (refused) throw new InvalidRequestError(`${field} ${refused}`, field);
}

async function requireEndpoint(ctx: ServiceContext, id: string): Promise<EndpointRow> {
  const e = await getEndpoint(ctx.tx, ctx.workspace.id, id);
  if (!e) throw new NotFoundError('webhook endpoint', id);
  return e;
}

export async function createEndpoint({ ctx, input }: { ctx: ServiceContext; input: z.infer<typeof createWebhookBody> }) {
  const secret = generateWebhookSecret();
  const id = newId('whk', ctx.now);
  const row: EndpointRow = {
    id,
    workspace_id: ctx.workspace.id,
    url: input.url,
    description: input.description ?? null,
    events: JSON.stringify([...new Set(input.events)]),
    status: 'enabled',
    disabled_reason: null,
    secret: ctx.config.secrets.encrypt(secret, endpointSecretAad(id, 'secret')),
    previous_secret: null,
    previous_secret_expires_at: null,
    secret_rotated_at: null,
    failing_since: null,
    livemode: ctx.workspace.livemode ? 1 : 0,
    created_at: ctx.now,
    updated_at: ctx.now,
    deleted_at: null,
  };
  await insertEndpoint(ctx.tx, row);
  const endpoint = presentEndpoint(row);
  await audit(ctx, 'webhook_endpoint.created', 'webhook_endpoint', row.id, null, endpoint);
  return { ...endpoint, secret };
}

export async function getEndpointById({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  return presentEndpoint(await requireEndpoint(ctx, input.id));
}

export async function listWebhookEndpoints({ ctx, input }: { ctx: ServiceContext; input: { limit: number; cursor?: string | undefined } }) {
  const page = await listEndpoints(ctx.tx, ctx.workspace.id, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentEndpoint) };
}

export async function updateWebhookEndpoint({ ctx, input }: { ctx: ServiceContext; input: { id: string; fields: z.infer<typeof updateWebhookBody> } }) {
  const row = await requireEndpoint(ctx, input.id);
  const f = input.fields;
  const changes: Partial<EndpointRow> = { updated_at: ctx.now };
  if (f.url !== undefined) changes.url = f.url;
  if (f.events !== undefined) changes.events = JSON.stringify([...new Set(f.events)]);
  if (f.description !== undefined) changes.description = f.description;
  if (f.status !== undefined) {
    changes.status = f.status;
    changes.disabled_reason = f.status === 'disabled' ? 'Disabled by operator' : null;
    if (f.status === 'enabled') changes.failing_since = null;
    if (f.status === 'disabled') await failPendingFor(ctx.tx, row.id, ctx.now);
  }
  await updateEndpoint(ctx.tx, row.id, changes);
  const after = presentEndpoint({ ...row, ...changes });
  await audit(ctx, 'webhook_endpoint.updated', 'webhook_endpoint', row.id, presentEndpoint(row), after);
  return after;
}

export async function deleteWebhookEndpoint({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await requireEndpoint(ctx, input.id);
  await updateEndpoint(ctx.tx, row.id, { deleted_at: ctx.now, status: 'disabled', disabled_reason: 'Deleted', updated_at: ctx.now });
  await failPendingFor(ctx.tx, row.id, ctx.now);
  await audit(ctx, 'webhook_endpoint.deleted', 'webhook_endpoint', row.id, presentEndpoint(row), null);
  return { id: row.id, object: 'webhook_endpoint' as const, deleted: true as const };
}

/** A new secret; the old one keeps signing beside it for 24 hours so receivers can switch over. */
export async function rotateEndpointSecret({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const row = await requireEndpoint(ctx, input.id);
  const box = ctx.config.secrets;
  const secret = generateWebhookSecret();
  const changes = {
    secret: box.encrypt(secret, endpointSecretAad(row.id, 'secret')),
    // Sealed again for its new field: the associated data names the field.
    previous_secret: box.encrypt(box.decrypt(row.secret, endpointSecretAad(row.id, 'secret')), endpointSecretAad(row.id, 'previous_secret')),
    previous_secret_expires_at: ctx.now + ROTATION_OVERLAP_MS,
    secret_rotated_at: ctx.now,
    updated_at: ctx.now,
  };
  await updateEndpoint(ctx.tx, row.id, changes);
  await audit(ctx, 'webhook_endpoint.secret_rotated', 'webhook_endpoint', row.id, null, { previous_secret_expires_at: iso(changes.previous_secret_expires_at) });
  return { ...presentEndpoint({ ...row, ...changes }), secret, previous_secret_expires_at: iso(changes.previous_secret_expires_at) };
}

export async function listDeliveryAttempts({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { id: string; limit: number; cursor?: string | undefined; event_id?: string | undefined; succeeded?: 'true' | 'false' | undefined };
}) {
  const endpoint = await requireEndpoint(ctx, input.id);
  const succeeded = input.succeeded === undefined ? undefined : input.succeeded === 'true';
  const page = await listAttempts(ctx.tx, endpoint.id, { event_id: input.event_id, succeeded }, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentAttempt) };
}

/**
 * Sends a delivery again now, whatever its state: a failed one is revived, a delivered one is
 * replayed (receivers dedupe on webhook-id). Accepts the delivery id or any of its attempts' ids.
 */
export async function retryDelivery({ ctx, input }: { ctx: ServiceContext; input: { id: string; delivery_id: string } }) {
  const endpoint = await requireEndpoint(ctx, input.id);
  let deliveryId = input.delivery_id;
  if (deliveryId.startsWith('att_')) {
    const attempt = await getAttempt(ctx.tx, ctx.workspace.id, deliveryId);
    if (!attempt || attempt.endpoint_id !== endpoint.id) throw new NotFoundError('delivery', input.delivery_id);
    deliveryId = attempt.delivery_id;
  }
  const delivery = await getDelivery(ctx.tx, ctx.workspace.id, deliveryId);
  if (!delivery || delivery.endpoint_id !== endpoint.id) throw new NotFoundError('delivery', input.delivery_id);
  const changes = { status: 'pending' as const, next_attempt_at: ctx.now, locked_until: 0, updated_at: ctx.now };
  await updateDelivery(ctx.tx, delivery.id, changes);
  await audit(ctx, 'webhook_delivery.retried', 'webhook_delivery', delivery.id, { status: delivery.status }, { status: 'pending' });
  ctx.afterCommit(notifyOutbox);
  return presentDelivery({ ...delivery, ...changes });
}

export async function listEvents({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { limit: number; cursor?: string | undefined; type?: string | undefined; object_id?: string | undefined };
}) {
  const page = await listEventRows(ctx.tx, ctx.workspace.id, input, input.limit, input.cursor);
  return { ...page, data: page.data.map(presentEvent) };
}

export async function getEventById({ ctx, input }: { ctx: ServiceContext; input: { id: string } }) {
  const e = await getEvent(ctx.tx, ctx.workspace.id, input.id);
  if (!e) throw new NotFoundError('event', input.id);
  return presentEvent(e);
}

/**
 * Creates or rotates the workspace's callback secret, which signs events sent to spend
 * requests' `callback_url`. The previous one keeps signing for 24 hours.
 */
export async function rotateCallbackSecret({ ctx }: { ctx: ServiceContext }) {
  const ws = await getWorkspace(ctx.tx, ctx.workspace.id);
  if (!ws) throw new NotFoundError('workspace', ctx.workspace.id);
  const box = ctx.config.secrets;
  const secret = generateWebhookSecret();
  const previousExpires = ws.callback_secret ? ctx.now + ROTATION_OVERLAP_MS : null;
  const previous = ws.callback_secret
    ? box.encrypt(box.decrypt(ws.callback_secret, callbackSecretAad(ws.id, 'callback_secret')), callbackSecretAad(ws.id, 'previous_callback_secret'))
    : null;
  await setCallbackSecret(ctx.tx, ws.id, {
    callback_secret: box.encrypt(secret, callbackSecretAad(ws.id, 'callback_secret')),
    previous_callback_secret: previous,
    previous_callback_secret_expires_at: previousExpires,
  });
  await audit(ctx, 'callback_secret.rotated', 'workspace', ws.id, null, { previous_secret_expires_at: isoOrNull(previousExpires) });
  return { object: 'callback_secret' as const, secret, previous_secret_expires_at: isoOrNull(previousExpires) };
}
