import { createMandateBody, mandateSchema } from '@bursar/core';
import { createMandate } from '../../services/control/mandates.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/mandates',
    config: { auth: 'management' },
    schema: {
      tags: ['Mandates'],
      summary: 'Create a mandate: what a human pre-authorized an agent to pay for',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createMandateBody,
      response: responses({ 201: mandateSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createMandate({ ctx, input: req.body }) })),
  });
}
