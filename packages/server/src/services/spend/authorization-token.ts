import { getHandle } from '../../store/policy-api.js';
import type { SpendRow } from '../../store/rows.js';
import type { ServiceContext } from '../context.js';

/**
 * The authorization token of an approved spend: an Ed25519 JWS an executor verifies offline
 * (JWKS at /.well-known/jwks.json) before charging. Valid while the money is held.
 */
export async function authorizationToken(ctx: ServiceContext, spend: SpendRow, expiresAt: number): Promise<string> {
  // How the payment will run: through the request's payment handle, or by the agent itself
  // (SDK guard mode: it pays and reports a receipt) when there is none.
  const handle = spend.payment_handle_id ? await getHandle(ctx.tx, ctx.workspace.id, spend.payment_handle_id) : undefined;
  const { token } = await ctx.config.signer.sign(
    'authorization',
    {
      spend_request_id: spend.id,
      amount_cents: spend.amount_cents,
      currency: spend.currency,
      merchant: spend.merchant_name,
      merchant_normalized: spend.merchant_key,
      category: spend.category,
      executionMode: handle?.execution_mode ?? 'sdk',
      paymentHandleId: handle?.id ?? null,
      railId: handle?.rail_id ?? null,
    },
    { subject: spend.agent_id, expiresAt },
  );
  return token;
}
