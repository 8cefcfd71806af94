import { agentSchema, idParam } from '@bursar/core';
import { getAgent } from '../../services/agents/agents.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/agents/:id',
    config: { auth: 'management' },
    schema: { tags: ['Agents'], summary: 'Get an agent', security: bearerAuth, params: idParam, response: responses({ 200: agentSchema }) },
    handler: (req) => run(deps, req, (ctx) => getAgent({ ctx, input: req.params })),
  });
}
