import { agentSchema, agentStatus, listOf, pageQuery } from '@bursar/core';
import { z } from 'zod';
import { listAgents } from '../../services/agents/agents.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/agents',
    config: { auth: 'management' },
    schema: {
      tags: ['Agents'],
      summary: 'List agents',
      security: bearerAuth,
      querystring: pageQuery.extend({ status: agentStatus.optional(), policy_id: z.string().max(64).optional() }),
      response: responses({ 200: listOf(agentSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listAgents({ ctx, input: req.query })),
  });
}
