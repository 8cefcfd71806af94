import { isoOrNull, iso } from '../iso.js';
import type { AuditEntry } from '@bursar/core';
import type { AttemptRow, DeliveryRow, EndpointRow } from '../../store/webhooks.js';
import type { EventRow, AuditRow } from '../../store/rows.js';

export function presentEndpoint(e: EndpointRow) {
  return {
    id: e.id,
    object: 'webhook_endpoint' as const,
    url: e.url,
    events: JSON.parse(e.events) as string[],
    description: e.description,
    status: e.status,
    disabled_reason: e.disabled_reason,
    livemode: e.livemode === 1,
    secret_rotated_at: isoOrNull(e.secret_rotated_at),
    created_at: iso(e.created_at),
    updated_at: iso(e.updated_at),
  };
}

export function presentEvent(e: EventRow) {
  return {
    id: e.id,
    object: 'event' as const,
    type: e.type,
    created_at: iso(e.created_at),
    livemode: e.livemode === 1,
    data: JSON.parse(e.data) as { object: Record<string, unknown> },
  };
}

export function presentAttempt(a: AttemptRow) {
  return {
    id: a.id,
    object: 'webhook_delivery_attempt' as const,
    delivery_id: a.delivery_id,
    endpoint_id: a.endpoint_id,
    event_id: a.event_id,
    event_type: a.event_type,
    attempt: a.attempt,
    status_code: a.status_code,
    succeeded: a.succeeded === 1,
    latency_ms: a.latency_ms,
    response_excerpt: a.response_excerpt,
    error: a.error,
    next_retry_at: isoOrNull(a.next_retry_at),
    created_at: iso(a.created_at),
  };
}

export function presentDelivery(d: DeliveryRow) {
  return {
    object: 'webhook_delivery' as const,
    id: d.id,
    endpoint_id: d.endpoint_id,
    event_id: d.event_id,
    status: d.status,
    next_attempt_at: isoOrNull(d.next_attempt_at),
  };
}

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
