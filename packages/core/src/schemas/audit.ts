import { z } from 'zod';
import { pageQuery, timestamp } from './common.js';

/** One entry of the append-only audit log: who did what to which object, before and after. */
export const auditEntrySchema = z.object({
  id: z.string().describe('The entry (aud_…)'),
  object: z.literal('audit_entry'),
  action: z.string().describe('What was done, such as key.revoked, policy.updated or approval.approved_with_override'),
  actor_type: z.enum(['operator', 'agent', 'execution', 'system']).describe('Who acted: a management key, a spending key, an execution token, or Bursar itself'),
  actor_id: z.string().nullable().describe('The key (key_…) or execution token (xtk_…) that acted; null for Bursar itself'),
  object_type: z.string(),
  object_id: z.string(),
  before: z.record(z.string(), z.unknown()).nullable().describe('The object as it was; null when it was created'),
  after: z.record(z.string(), z.unknown()).nullable().describe('The object as it became; null when it was deleted'),
  created_at: timestamp,
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export const listAuditLogQuery = pageQuery.extend({
  action: z.string().max(100).optional().describe('Only this action, such as key.revoked'),
  object_id: z.string().max(64).optional().describe('Only entries about this object'),
  actor_id: z.string().max(64).optional().describe('Only entries by this key'),
});
