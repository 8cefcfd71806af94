import { z } from 'zod';
import { pageQuery, text, timestamp } from './common.js';

export const createWorkspaceBody = z.object({ name: text(200) }).strict();

export const workspaceSchema = z.object({
  id: z.string(),
  object: z.literal('workspace'),
  name: z.string(),
  livemode: z.boolean(),
  created_at: timestamp,
});
export type Workspace = z.infer<typeof workspaceSchema>;

/** A new workspace and what it was provisioned with; the keys are shown once. */
export const createdWorkspaceSchema = workspaceSchema.extend({
  wallet_id: z.string(),
  policy_id: z.string(),
  agent_id: z.string(),
  card_id: z.string(),
  management_key: z.string().optional().describe('Shown once'),
  spending_key: z.string().optional().describe("The default agent's key; shown once"),
});

export const listWorkspacesQuery = pageQuery;
