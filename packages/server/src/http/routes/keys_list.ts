import { apiKeySchema, listOf, pageQuery } from '@bursar/core';
import { z } from 'zod';
import { listKeys } from '../../services/agents/keys.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/api-keys',
    config: { auth: 'management' },
    schema: {
      tags: ['API keys'],
      summary: 'List keys (never their secrets)',
      security: bearerAuth,
      querystring: pageQuery.extend({ agent_id: z.string().max(64).optional() }),
      response: responses({ 200: listOf(apiKeySchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listKeys({ ctx, input: req.query })),
  });
}
