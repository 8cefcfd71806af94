import { checkoutIntentSchema, listCheckoutIntentsQuery, listOf } from '@bursar/core';
import { listCheckoutIntents } from '../../services/cards/checkout.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/checkout-intents',
    config: { auth: 'any' },
    schema: {
      tags: ['Cards'],
      summary: 'List checkout intents, newest first',
      description: "A spending key lists only its own agent's. Credentials show last4 only.",
      security: bearerAuth,
      querystring: listCheckoutIntentsQuery,
      response: responses({ 200: listOf(checkoutIntentSchema) }),
    },
    handler: (req) =>
      run(deps, req, (ctx) =>
        listCheckoutIntents({
          ctx,
          input: {
            ...req.query,
            created_after: req.query.created_after === undefined ? undefined : Date.parse(req.query.created_after),
            created_before: req.query.created_before === undefined ? undefined : Date.parse(req.query.created_before),
          },
        }),
      ),
  });
}
