import { callbackSecretSchema } from '@bursar/core';
import { rotateCallbackSecret } from '../../services/events/webhooks.js';
import { runIdempotent, withoutSecret } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, noBody, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/callback-secret',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: "Create or rotate the secret that signs spend requests' callback_url deliveries",
      description: 'Shown in this response only. After a rotation the previous secret keeps signing for 24 hours.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: noBody,
      response: responses({ 200: callbackSecretSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 200, body: await rotateCallbackSecret({ ctx }) }), { stored: withoutSecret }),
  });
}
