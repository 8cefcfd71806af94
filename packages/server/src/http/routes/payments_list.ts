import { listOf, listPaymentsQuery, paymentSchema } from '@bursar/core';
import { listPayments } from '../../services/control/payments.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/payments',
    config: { auth: 'any' },
    schema: {
      tags: ['Payments'],
      summary: 'List payments, newest first',
      description: 'Filters: status, agent_id, mandate_id, created_after, created_before. A spending key lists only its own.',
      security: bearerAuth,
      querystring: listPaymentsQuery,
      response: responses({ 200: listOf(paymentSchema) }),
    },
    handler: (req) =>
      run(deps, req, (ctx) =>
        listPayments({
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
