import { agentSchema, createAgentBody } from '@bursar/core';
import { createAgent } from '../../services/agents/agents.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/agents',
    config: { auth: 'management' },
    schema: { tags: ['Agents'], summary: 'Register an agent under a policy', security: bearerAuth, headers: idempotencyHeaders, body: createAgentBody, response: responses({ 201: agentSchema }) },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createAgent({ ctx, input: req.body }) })),
  });
}
