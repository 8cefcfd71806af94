import { z } from 'zod';
import { approvalStatus } from './approval.js';
import { cardAuthorizationStatus } from './card.js';
import { pageQuery, timestamp } from './common.js';
import { paymentStatus } from './control.js';
import { spendStatus } from './spend.js';
import { leaseStatus, reservationStatus } from './spendguard.js';

/** Every event of a family whose object moves through `statuses`: `spend_request.approved`, … */
const each = <P extends string, S extends string>(family: P, statuses: readonly S[]) => statuses.map((s) => `${family}.${s}` as const);

/**
 * Event types Bursar emits; `*` subscribes to all, `spend_request.*` to a family. The families
 * that follow an object's status are made from that status's own enum, so a new status cannot
 * be emitted yet refused as a subscription.
 */
export const eventTypes = [
  ...each('spend_request', spendStatus.options),
  ...each('checkout_intent', spendStatus.options),
  ...each('reservation', reservationStatus.options),
  ...each('payment', paymentStatus.options),
  ...each('card_authorization', cardAuthorizationStatus.options),
  'approval.created', 'approval.partially_approved', ...each('approval', approvalStatus.options.filter((s) => s !== 'pending')),
  'agent.created', 'agent.paused', 'agent.resumed', 'agent.revoked',
  'budget_lease.created', ...each('budget_lease', leaseStatus.options.filter((s) => s !== 'active')),
  'budget.threshold_crossed',
  'card.created', 'card.frozen', 'card.unfrozen', 'card.cancelled',
  'mandate.created', 'mandate.updated', 'mandate.revoked',
  'execution_token.created',
  'wallet.funded', 'transfer.created', 'workspace.created', 'workspace.plan_updated',
  'key.created', 'key.revoked',
  'policy.created', 'policy.updated',
  'webhook_endpoint.disabled',
  'receipt.recorded',
] as const;

const families = new Set(eventTypes.map((t) => `${t.split('.')[0]}.*`));
const known = new Set<string>(eventTypes);

export const eventFilter = z
  .string()
  .refine((e) => e === '*' || known.has(e) || families.has(e), { error: 'must be an event type such as spend_request.approved, a family such as spend_request.*, or *' });

/** True when an endpoint subscribed to `filters` wants an event of `type`. */
export function subscribes(filters: readonly string[], type: string): boolean {
  return filters.some((f) => f === '*' || f === type || (f.endsWith('.*') && type.startsWith(f.slice(0, -1))));
}

const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }).max(2048);

export const createWebhookBody = z
  .object({
    url: webhookUrl,
    // Left out: every event (`*`), as a receiver registered with just its URL would expect.
    events: z
      .array(eventFilter)
      .min(1, { error: 'subscribe to at least one event type (or *)' })
      .max(100)
      .default(['*'])
      .describe('Event types, families (spend_request.*) or *; every event when left out'),
    description: z.string().max(500).optional(),
  })
  .strict();

export const updateWebhookBody = z
  .object({
    url: webhookUrl.optional(),
    events: z.array(eventFilter).min(1).max(100).optional(),
    description: z.string().max(500).nullable().optional(),
    status: z.enum(['enabled', 'disabled']).optional(),
  })
  .strict();

export const webhookEndpointSchema = z.object({
  id: z.string(),
  object: z.literal('webhook_endpoint'),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  status: z.enum(['enabled', 'disabled']),
  disabled_reason: z.string().nullable(),
  livemode: z.boolean(),
  secret_rotated_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

export const webhookEndpointWithSecretSchema = webhookEndpointSchema.extend({
  secret: z.string().describe('The whsec_ signing secret. Shown in this response only.'),
});

export const deliveryAttemptSchema = z.object({
  id: z.string().describe('The attempt (att_…)'),
  object: z.literal('webhook_delivery_attempt'),
  delivery_id: z.string().describe('The delivery (del_…) of one event to this endpoint; retry it by this id'),
  endpoint_id: z.string().nullable(),
  event_id: z.string(),
  event_type: z.string(),
  attempt: z.number(),
  status_code: z.number().nullable(),
  succeeded: z.boolean(),
  latency_ms: z.number(),
  response_excerpt: z.string().nullable(),
  error: z.string().nullable(),
  next_retry_at: timestamp.nullable(),
  created_at: timestamp,
});

export const deliveryParams = z.object({ id: z.string().min(1).max(64), delivery_id: z.string().min(1).max(64) });

export const listDeliveriesQuery = pageQuery.extend({
  event_id: z.string().max(64).optional(),
  succeeded: z.enum(['true', 'false']).optional(),
});

export const eventSchema = z.object({
  id: z.string(),
  object: z.literal('event'),
  type: z.string(),
  created_at: timestamp,
  livemode: z.boolean(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

export const listEventsQuery = pageQuery.extend({
  type: z.string().max(100).optional(),
  object_id: z.string().max(64).optional(),
});

export const retryResultSchema = z.object({
  object: z.literal('webhook_delivery'),
  id: z.string(),
  endpoint_id: z.string().nullable(),
  event_id: z.string(),
  status: z.enum(['pending', 'succeeded', 'failed']),
  next_attempt_at: timestamp.nullable(),
});

export const callbackSecretSchema = z.object({
  object: z.literal('callback_secret'),
  secret: z.string().describe('Signs the events sent to spend requests\' callback_url. Shown in this response only.'),
  previous_secret_expires_at: timestamp.nullable(),
});

