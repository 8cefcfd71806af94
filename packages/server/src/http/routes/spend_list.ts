import { listOf, listSpendQuery, spendRequestSchema } from '@bursar/core';
import { listSpend } from '../../services/spend/requests.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-requests',
    config: { auth: 'any' },
    schema: {
      tags: ['Spend'],
      summary: 'List spend requests, newest first',
      description: 'Filters: status, agent_id, merchant_name (matched on the normalized name; `merchant` is the same filter), merchant_contains (part of the name, ignoring case), currency, created_after, created_before, min_amount_cents, max_amount_cents. A spending key lists only its own.',
      security: bearerAuth,
      querystring: listSpendQuery,
      response: responses({ 200: listOf(spendRequestSchema) }),
    },
    handler: (req) =>
      run(deps, req, (ctx) =>
        listSpend({
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
