import { cardAuthorizationSchema, idParam, listCardAuthorizationsQuery, listOf } from '@bursar/core';
import { getCardAuthorizationById, listCardAuthorizations } from '../../services/cards/authorizations.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET /v1/sandbox/card-authorizations and /:id: the recorded results. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/sandbox/card-authorizations',
    config: { auth: 'management' },
    schema: {
      tags: ['Cards'],
      summary: 'List card authorizations, newest first',
      security: bearerAuth,
      querystring: listCardAuthorizationsQuery,
      response: responses({ 200: listOf(cardAuthorizationSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listCardAuthorizations({ ctx, input: req.query })),
  });
  app.route({
    method: 'GET',
    url: '/v1/sandbox/card-authorizations/:id',
    config: { auth: 'management' },
    schema: { tags: ['Cards'], summary: 'Get a card authorization', security: bearerAuth, params: idParam, response: responses({ 200: cardAuthorizationSchema }) },
    handler: (req) => run(deps, req, (ctx) => getCardAuthorizationById({ ctx, input: req.params })),
  });
}
