import { checkoutIntentSchema, createCheckoutIntentBody } from '@bursar/core';
import { createCheckoutIntent, withoutCredentialSecrets } from '../../services/cards/checkout.js';
import { decisionOf, recordedAsDeclined } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/checkout-intents',
    config: { auth: 'agent' },
    schema: {
      tags: ['Cards'],
      summary: 'Ask to pay a merchant by card',
      description:
        "Decided like a spend request. Approved: the money is held and `credential` carries a single-use card number and CVC bound to this merchant and amount, valid for a few minutes, shown in this answer only (an idempotent replay shows last4). needs_approval: once an operator approves, the agent's next GET shows the credential, once. 402 funding_source_budget_exceeded when the wallet cannot cover it (recorded as declined). Send an Idempotency-Key.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createCheckoutIntentBody,
      response: responses({ 200: checkoutIntentSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(
        deps,
        req,
        reply,
        async (ctx) => {
          const { intent, fundingShortfall } = await createCheckoutIntent({ ctx, input: req.body });
          if (!fundingShortfall) return { status: 200, body: intent };
          return recordedAsDeclined(req, 'checkout_intent', intent);
        },
        { stored: withoutCredentialSecrets, decision: decisionOf(req) },
      ),
  });
}
