import { deliveryAttemptSchema, idParam, listDeliveriesQuery, listOf } from '@bursar/core';
import { listDeliveryAttempts } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/webhooks/:id/deliveries',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'The delivery log: every attempt, newest first',
      description: 'Each attempt: event id, attempt number, HTTP status, latency, response excerpt, error, and the next retry time.',
      security: bearerAuth,
      params: idParam,
      querystring: listDeliveriesQuery,
      response: responses({ 200: listOf(deliveryAttemptSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listDeliveryAttempts({ ctx, input: { ...req.query, id: req.params.id } })),
  });
}
