import { cardSchema, idParam } from '@bursar/core';
import { getCard } from '../../services/cards/cards.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/cards/:id',
    config: { auth: 'management' },
    schema: { tags: ['Cards'], summary: 'Get a card (last4, brand and expiry; never the number or CVC)', security: bearerAuth, params: idParam, response: responses({ 200: cardSchema }) },
    handler: (req) => run(deps, req, (ctx) => getCard({ ctx, input: req.params })),
  });
}
