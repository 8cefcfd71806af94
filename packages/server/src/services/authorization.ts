import type { SpendRow } from '../store/rows.js';
import type { ServiceContext } from './context.js';

/**
 * The authorization token of an approved spend: an Ed25519 JWS an executor verifies offline
 * (JWKS at /.well-known/jwks.json) before charging. Valid while the money is held.
 */
export async function authorizationToken(ctx: ServiceContext, spend: SpendRow, expiresAt: number): Promise<string> {
  const { token } = await ctx.config.signer.sign(
    'authorization',
    {
      spend_request_id: spend.id,
      amount_cents: spend.amount_cents,
      currency: spend.currency,
      merchant: spend.merchant_name,
      merchant_normalized: spend.merchant_key,
      category: spend.category,
    },
    { subject: spend.agent_id, expiresAt },
  );
  return token;
}
