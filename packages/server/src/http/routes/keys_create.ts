import { createKeyBody, createdApiKeySchema } from '@bursar/core';
import { createKey } from '../../services/agents/keys.js';
import { runIdempotent, withoutSecret } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/api-keys',
    config: { auth: 'management' },
    schema: {
      tags: ['API keys'],
      summary: 'Create a spending key ({agent_id}) or a management key ({"type": "management"})',
      description: 'The plaintext `key` is in this response only; Bursar stores its SHA-256. A replay with the same Idempotency-Key answers the key without it.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createKeyBody,
      response: responses({ 201: createdApiKeySchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createKey({ ctx, input: req.body }) }), { stored: withoutSecret }),
  });
}
