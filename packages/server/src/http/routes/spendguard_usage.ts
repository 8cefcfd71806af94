import { usageSummaryQuery, usageSummarySchema } from '@bursar/core';
import { usageSummary } from '../../services/spend/usage-summary.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-guard/usage/summary',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Summarize SpendGuard control-plane events',
      description: 'Counts and amount sums of the events of a window [from, to) (default: the last 30 days, at most 366) by type, agent and UTC day. A spending key sees only its own agent.',
      security: bearerAuth,
      querystring: usageSummaryQuery,
      response: responses({ 200: usageSummarySchema }),
    },
    handler: (req) => run(deps, req, (ctx) => usageSummary({ ctx, input: req.query })),
  });
}
