import { createWebhookBody, webhookEndpointWithSecretSchema } from '@bursar/core';
import { checkDeliveryUrl, createEndpoint } from '../../services/events/webhooks.js';
import { callerOf } from '../call.js';
import { runIdempotent, withoutSecret } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/webhooks',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'Register a webhook endpoint',
      description:
        'Deliveries follow Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature: v1,<base64>). The whsec_ secret is in this response only. In live mode, URLs must be https, and those resolving to any special-purpose address (loopback, private, link-local, metadata, documentation, benchmarking, multicast, reserved) are refused unless BURSAR_WEBHOOK_ALLOW_PRIVATE=true (which never allows http).',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createWebhookBody,
      response: responses({ 201: webhookEndpointWithSecretSchema }),
    },
    handler: async (req, reply) => {
      await checkDeliveryUrl(deps.config, callerOf(req).workspace.livemode, req.body.url);
      return runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createEndpoint({ ctx, input: req.body }) }), { stored: withoutSecret });
    },
  });
}
