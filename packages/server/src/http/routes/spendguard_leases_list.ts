import { leaseSchema, listLeasesQuery, listOf } from '@bursar/core';
import { listLeases } from '../../services/budget/leases.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-guard/budget-leases',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'List child-agent budget leases and remaining capacity, newest first',
      description: 'Filters: status, agent_id (as parent or child). A spending key lists the leases its agent granted or received.',
      security: bearerAuth,
      querystring: listLeasesQuery,
      response: responses({ 200: listOf(leaseSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listLeases({ ctx, input: req.query })),
  });
}
