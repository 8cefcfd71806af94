import { InvalidRequestError } from '@bursar/core';
import { TokenError, type TokenSigner } from '../../tokens/signer.js';

/** What a SAT (spend authorization token) authorizes, read from its verified claims. */
export interface SatClaims {
  jti: string;
  agentId: string;
  spendRequestId: string;
  amountCents: number;
  currency: string;
  merchantNormalized: string;
  executionMode: 'sdk' | 'external' | 'managed';
  paymentHandleId: string | null;
  railId: string | null;
  expiresAt: number;
}

/**
 * Verifies a SAT with the signer that issued it (signature, issuer, use; expiry unless
 * `allowExpired`, for receipts that report a late payment). A bad token is a 400 naming `sat`.
 * Call it before the service's transaction: an unknown kid makes the signer reload its keys
 * from the database, which on SQLite (one connection) would wait forever on that transaction.
 */
export async function readSat(signer: TokenSigner, sat: string, opts: { allowExpired?: boolean } = {}): Promise<SatClaims> {
  let p: Record<string, unknown>;
  try {
    p = await signer.verify(sat, 'authorization', { allowExpired: opts.allowExpired === true });
  } catch (err) {
    if (err instanceof TokenError) throw new InvalidRequestError(`sat: ${err.message}`, 'sat');
    throw err;
  }
  const mode = p.executionMode;
  return {
    jti: String(p.jti),
    agentId: String(p.sub),
    spendRequestId: String(p.spend_request_id),
    amountCents: Number(p.amount_cents),
    currency: String(p.currency),
    merchantNormalized: String(p.merchant_normalized),
    // Tokens issued before execution modes existed were all for the agent to pay itself.
    executionMode: mode === 'external' || mode === 'managed' ? mode : 'sdk',
    paymentHandleId: typeof p.paymentHandleId === 'string' ? p.paymentHandleId : null,
    railId: typeof p.railId === 'string' ? p.railId : null,
    expiresAt: Number(p.exp) * 1000,
  };
}
