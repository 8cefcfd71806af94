import { idParam, webhookEndpointWithSecretSchema } from '@bursar/core';
import { z } from 'zod';
import { rotateEndpointSecret } from '../../services/events/webhooks.js';
import { runIdempotent, withoutSecret } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/webhooks/:id/rotate-secret',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'Rotate the signing secret',
      description: 'The new secret is in this response only. For 24 hours every delivery carries two signatures, one per secret.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      response: responses({ 200: webhookEndpointWithSecretSchema.extend({ previous_secret_expires_at: z.string() }) }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 200, body: await rotateEndpointSecret({ ctx, input: req.params }) }), { stored: withoutSecret }),
  });
}
