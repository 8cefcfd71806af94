import { z } from 'zod';
import { text, timestamp } from './common.js';

export const keyType = z.enum(['spending', 'management']);
export type KeyType = z.infer<typeof keyType>;

/** `{agent_id}` makes a spending key; `{"type": "management"}` a management key. */
export const createKeyBody = z
  .object({
    type: keyType.optional(),
    agent_id: z.string().min(1).max(64).optional(),
    name: text(200).optional(),
  })
  .strict();

export const apiKeySchema = z.object({
  id: z.string(),
  object: z.literal('api_key'),
  type: keyType,
  name: z.string().nullable(),
  prefix: z.string().describe('The first characters of the key, for recognising it; never the secret'),
  agent_id: z.string().nullable(),
  livemode: z.boolean(),
  created_at: timestamp,
  last_used_at: timestamp.nullable(),
  revoked_at: timestamp.nullable(),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

export const createdApiKeySchema = apiKeySchema.extend({
  key: z.string().describe('The plaintext key. Shown in this response only.'),
});
