import { checkoutIntentSchema, idParam } from '@bursar/core';
import { getCheckoutIntent } from '../../services/cards/checkout.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/checkout-intents/:id',
    config: { auth: 'any' },
    schema: {
      tags: ['Cards'],
      summary: 'Get a checkout intent',
      description:
        "A spending key sees only its own agent's intents. The credential's number and CVC are never shown again, except once to the agent when an operator approved the intent after it asked.",
      security: bearerAuth,
      params: idParam,
      response: responses({ 200: checkoutIntentSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => getCheckoutIntent({ ctx, input: req.params })),
  });
}
