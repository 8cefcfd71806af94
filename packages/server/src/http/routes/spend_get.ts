import { idParam, spendRequestSchema } from '@bursar/core';
import { getSpend } from '../../services/spend/requests.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET /v1/spend-requests/:id and its alias GET /v1/spend/:id. */
export function register(app: App, deps: Deps) {
  for (const url of ['/v1/spend-requests/:id', '/v1/spend/:id']) {
    app.route({
      method: 'GET',
      url,
      config: { auth: 'any' },
      schema: {
        tags: ['Spend'],
        summary: 'Get a spend request',
        description: "A spending key sees only its own agent's requests.",
        security: bearerAuth,
        params: idParam,
        response: responses({ 200: spendRequestSchema }),
      },
      handler: (req) => run(deps, req, (ctx) => getSpend({ ctx, input: req.params })),
    });
  }
}
