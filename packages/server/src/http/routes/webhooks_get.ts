import { idParam, webhookEndpointSchema } from '@bursar/core';
import { getEndpointById } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/webhooks/:id',
    config: { auth: 'management' },
    schema: { tags: ['Webhooks'], summary: 'Get a webhook endpoint', security: bearerAuth, params: idParam, response: responses({ 200: webhookEndpointSchema }) },
    handler: (req) => run(deps, req, (ctx) => getEndpointById({ ctx, input: req.params })),
  });
}
