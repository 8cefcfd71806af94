import { spendAnalyticsQuery, spendAnalyticsSchema } from '@bursar/core';
import { getSpendAnalytics } from '../../services/spend/analytics.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/analytics/spend',
    config: { auth: 'management' },
    schema: {
      tags: ['Analytics'],
      summary: 'Spend summed by agent, policy, merchant, category, decline reason or time',
      description:
        'Requests of every kind (spend requests, payments, checkout intents, SpendGuard reservations) created from `from` to `to` ' +
        '(default: the last 30 days), summed by the database per `group_by` and currency: amounts in different currencies are never added. ' +
        'Rows come largest first (by spent_cents; by declined_count for decline_reason), or oldest first by period_start when there is a time; ' +
        '`limit` caps them (top spenders) and `totals` sums every matching request per currency. ' +
        '`interval` splits each group into UTC days or hours: `group_by=decline_reason&interval=day` is declines by reason over time.',
      security: bearerAuth,
      querystring: spendAnalyticsQuery,
      response: responses({ 200: spendAnalyticsSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => getSpendAnalytics({ ctx, input: req.query })),
  });
}
