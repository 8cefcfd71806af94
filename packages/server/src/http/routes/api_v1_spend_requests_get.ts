import { apiSpendRequestSchema, idParam } from '@bursar/core';
import { getEvaluatedSpend } from '../../services/api-v1/evaluation.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET /api/v1/spend-requests/:id: the same request as /v1/spend-requests/:id, with its approval block. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/api/v1/spend-requests/:id',
    config: { auth: 'any', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Get a spend request and its approval',
      description: "A spending key sees only its own agent's requests. sat is set once the request is approved.",
      security: apiKeyAuth,
      params: idParam,
      response: apiResponses({ 200: apiSpendRequestSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => getEvaluatedSpend({ ctx, input: req.params })),
  });
}
