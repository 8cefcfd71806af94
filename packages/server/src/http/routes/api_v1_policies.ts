import { z } from 'zod';
import { apiCreatePolicyBody, apiPolicySchema } from '@bursar/core';
import { createApiPolicy, listApiPolicies } from '../../services/api-v1/views.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET and POST /api/v1/policies: the /v1 policy model with the reference's field names. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/api/v1/policies',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: { tags: policyApiTag, summary: 'List all policies of the workspace', security: apiKeyAuth, response: apiResponses({ 200: z.array(apiPolicySchema) }) },
    handler: (req) => run(deps, req, (ctx) => listApiPolicies({ ctx })),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/policies',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Create a policy',
      description: 'Amounts are minor units (cents); null or absent is no limit. unit defaults to USD.',
      security: apiKeyAuth,
      body: apiCreatePolicyBody,
      response: apiResponses({ 201: apiPolicySchema }),
    },
    handler: async (req, reply) => {
      const policy = await run(deps, req, (ctx) => createApiPolicy({ ctx, input: req.body }));
      return reply.code(201).send(policy);
    },
  });
}
