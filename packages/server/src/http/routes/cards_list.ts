import { cardSchema, listCardsQuery, listOf } from '@bursar/core';
import { listCards } from '../../services/cards/cards.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/cards',
    config: { auth: 'management' },
    schema: {
      tags: ['Cards'],
      summary: 'List cards, newest first',
      description: 'Includes the just-in-time credentials of checkout intents (checkout_intent_id set). Never shows a number or CVC.',
      security: bearerAuth,
      querystring: listCardsQuery,
      response: responses({ 200: listOf(cardSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listCards({ ctx, input: req.query })),
  });
}
