import { listOf, pageQuery, webhookEndpointSchema } from '@bursar/core';
import { listWebhookEndpoints } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/webhooks',
    config: { auth: 'management' },
    schema: { tags: ['Webhooks'], summary: 'List webhook endpoints (never their secrets)', security: bearerAuth, querystring: pageQuery, response: responses({ 200: listOf(webhookEndpointSchema) }) },
    handler: (req) => run(deps, req, (ctx) => listWebhookEndpoints({ ctx, input: req.query })),
  });
}
