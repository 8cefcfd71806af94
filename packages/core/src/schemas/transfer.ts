import { z } from 'zod';
import { amountCents, currency, requiredOr } from '../money.js';
import { pageQuery, text, timestamp } from './common.js';

export const createTransferBody = z
  .object({
    to_workspace_id: z.string({ error: requiredOr('must be a workspace id') }).min(1).max(64),
    amount_cents: amountCents,
    currency,
    description: text(500),
  })
  .strict();

export const transferSchema = z.object({
  id: z.string(),
  object: z.literal('transfer'),
  status: z.enum(['completed']),
  direction: z.enum(['outgoing', 'incoming']).describe("As seen by the caller's workspace"),
  from_workspace_id: z.string(),
  to_workspace_id: z.string(),
  from_wallet_id: z.string(),
  to_wallet_id: z.string(),
  amount_cents: z.number(),
  currency: z.string(),
  description: z.string(),
  from_ledger_transaction_id: z.string(),
  to_ledger_transaction_id: z.string(),
  livemode: z.boolean(),
  created_at: timestamp,
});
export type Transfer = z.infer<typeof transferSchema>;

export const listTransfersQuery = pageQuery.extend({
  direction: z.enum(['outgoing', 'incoming']).optional(),
});
