import { idParam, updateWebhookBody, webhookEndpointSchema } from '@bursar/core';
import { checkDeliveryUrl, updateWebhookEndpoint } from '../../services/events/webhooks.js';
import { callerOf, run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'PUT',
    url: '/v1/webhooks/:id',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'Change an endpoint: url, events, description, or status (enabled/disabled)',
      description: 'Fields left out keep their value. Disabling gives up its pending deliveries; enabling clears its failure streak.',
      security: bearerAuth,
      params: idParam,
      body: updateWebhookBody,
      response: responses({ 200: webhookEndpointSchema }),
    },
    handler: async (req) => {
      await checkDeliveryUrl(deps.config, callerOf(req).workspace.livemode, req.body.url);
      return run(deps, req, (ctx) => updateWebhookEndpoint({ ctx, input: { id: req.params.id, fields: req.body } }));
    },
  });
}
