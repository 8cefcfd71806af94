import { createPolicyBody, policySchema } from '@bursar/core';
import { createPolicy } from '../../services/policies/policies.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/policies',
    config: { auth: 'management' },
    schema: {
      tags: ['Policies'],
      summary: 'Create a policy',
      description: 'Money fields are integer cents; a null or absent limit means no limit. Currency defaults to usd, timezone to UTC.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createPolicyBody,
      response: responses({ 201: policySchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createPolicy({ ctx, input: req.body }) })),
  });
}
