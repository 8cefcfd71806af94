import { z } from 'zod';
import { text, timestamp } from './common.js';

export const agentStatus = z.enum(['active', 'paused', 'revoked']);
export type AgentStatus = z.infer<typeof agentStatus>;

export const createAgentBody = z
  .object({
    name: text(200),
    policy_id: z.string().min(1).max(64),
    parent_agent_id: z.string().min(1).max(64).nullable().optional(),
  })
  .strict();

export const agentSchema = z.object({
  id: z.string(),
  object: z.literal('agent'),
  name: z.string(),
  policy_id: z.string(),
  parent_agent_id: z.string().nullable(),
  status: agentStatus,
  livemode: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
  revoked_at: timestamp.nullable(),
});
export type Agent = z.infer<typeof agentSchema>;
