import { agentSchema, idParam } from '@bursar/core';
import { changeAgentStatus } from '../../services/agents/lifecycle.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'DELETE',
    url: '/v1/agents/:id',
    config: { auth: 'management' },
    schema: {
      tags: ['Agents'],
      summary: 'Revoke an agent and all its keys',
      description: 'Final: the agent can no longer spend and every key of it stops working at once.',
      security: bearerAuth,
      params: idParam,
      response: responses({ 200: agentSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => changeAgentStatus({ ctx, input: { id: req.params.id, transition: 'revoke' } })),
  });
}
