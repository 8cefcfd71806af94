import { z } from 'zod';
import { pageQuery, timestamp } from './common.js';

export const ledgerTransactionType = z.enum(['funding', 'hold', 'capture', 'release', 'transfer']);

export const postingSchema = z.object({
  account: z.string().describe('wal_…:available, wal_…:held, or external:<kind>:<currency>'),
  amount_cents: z.number().describe('Positive debits into the account, negative credits out of it'),
  currency: z.string(),
});
export type Posting = z.infer<typeof postingSchema>;

export const ledgerTransactionSchema = z.object({
  id: z.string(),
  object: z.literal('ledger_transaction'),
  wallet_id: z.string(),
  sequence: z.number(),
  type: ledgerTransactionType,
  spend_request_id: z.string().nullable(),
  description: z.string(),
  postings: z.array(postingSchema),
  prev_hash: z.string(),
  hash: z.string(),
  created_at: timestamp,
});
export type LedgerTransaction = z.infer<typeof ledgerTransactionSchema>;

export const listLedgerQuery = pageQuery.extend({
  wallet_id: z.string().max(64).optional(),
  spend_request_id: z.string().max(64).optional(),
});

export const ledgerVerifySchema = z.object({
  ok: z.boolean(),
  wallets_checked: z.number(),
  transactions_checked: z.number(),
  postings_checked: z.number(),
  first_broken: z
    .object({ wallet_id: z.string(), transaction_id: z.string().nullable(), problem: z.string() })
    .nullable(),
});
export type LedgerVerifyResult = z.infer<typeof ledgerVerifySchema>;
