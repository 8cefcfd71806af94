import { createExecutionTokenBody, executionTokenSchema, idParam } from '@bursar/core';
import { mintExecutionToken } from '../../services/control/execution-tokens.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/agents/:id/execution-tokens',
    config: { auth: 'management' },
    schema: {
      tags: ['Execution tokens'],
      summary: 'Mint a short-lived execution token for one agent, mandate, action and audience',
      description:
        "Ed25519 JWS with sub, mandate, act, aud, exp, jti; verify offline against /.well-known/jwks.json. ttl_seconds defaults to 300, at most 900. POST /v1/payments accepts action 'payment.create' and audience 'bursar:payments', each token once.",
      security: bearerAuth,
      params: idParam,
      body: createExecutionTokenBody,
      response: responses({ 201: executionTokenSchema }),
    },
    // Not idempotent on purpose: a token is a secret shown once, never stored for replays.
    handler: async (req, reply) => {
      const out = await run(deps, req, (ctx) => mintExecutionToken({ ctx, input: { ...req.body, agent_id: req.params.id } }));
      reply.code(201).send(out);
    },
  });
}
