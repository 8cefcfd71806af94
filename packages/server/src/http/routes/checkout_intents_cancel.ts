import { checkoutIntentSchema, idParam } from '@bursar/core';
import { cancelCheckoutIntent } from '../../services/cards/checkout.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/checkout-intents/:id/cancel',
    config: { auth: 'any' },
    schema: {
      tags: ['Cards'],
      summary: 'Cancel a checkout intent: the hold is released and the credential cancelled',
      description:
        'An approved intent whose credential has no open authorization, or a pending one (needs_approval): its agent withdraws the request and the approval closes as declined. Otherwise 409 invalid_state.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      response: responses({ 200: checkoutIntentSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 200, body: await cancelCheckoutIntent({ ctx, input: req.params }) })),
  });
}
