import { deliveryParams, retryResultSchema } from '@bursar/core';
import { retryDelivery } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, noBody, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/webhooks/:id/deliveries/:delivery_id/retry',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'Send a delivery again now (retry a failed one, or replay a delivered one)',
      description: 'delivery_id is a delivery (del_…) or any of its attempts (att_…). The event keeps its id, so receivers dedupe.',
      security: bearerAuth,
      body: noBody,
      params: deliveryParams,
      response: responses({ 202: retryResultSchema }),
    },
    handler: async (req, reply) => reply.code(202).send(await run(deps, req, (ctx) => retryDelivery({ ctx, input: req.params }))),
  });
}
