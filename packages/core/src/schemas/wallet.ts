import { z } from 'zod';
import { amountCents, currency } from '../money.js';
import { timestamp } from './common.js';

export const createWalletBody = z.object({ currency }).strict();
export const fundWalletBody = z.object({ amount_cents: amountCents }).strict();

export const walletSchema = z.object({
  id: z.string(),
  object: z.literal('wallet'),
  currency: z.string(),
  available_cents: z.number(),
  held_cents: z.number(),
  livemode: z.boolean(),
  created_at: timestamp,
});
export type Wallet = z.infer<typeof walletSchema>;

export const walletBalanceSchema = z.object({
  object: z.literal('wallet_balance'),
  wallet_id: z.string(),
  currency: z.string(),
  available_cents: z.number(),
  held_cents: z.number(),
  total_cents: z.number(),
});

export const fundResultSchema = walletSchema.extend({
  ledger_transaction_id: z.string(),
});
