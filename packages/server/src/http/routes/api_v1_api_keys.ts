import { z } from 'zod';
import { apiCreateKeyBody, apiCreatedKey, apiKeyListItem } from '@bursar/core';
import { createApiKey, listApiKeys } from '../../services/api-v1/views.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET and POST /api/v1/api-keys: prefixes only in lists; a new key's plaintext once. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/api/v1/api-keys',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: { tags: policyApiTag, summary: 'List the API keys of the workspace (prefix only)', security: apiKeyAuth, response: apiResponses({ 200: z.array(apiKeyListItem) }) },
    handler: (req) => run(deps, req, (ctx) => listApiKeys({ ctx })),
  });
  app.route({
    method: 'POST',
    url: '/api/v1/api-keys',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Generate a management API key; the plaintext is in this response only',
      security: apiKeyAuth,
      // Fastify validates a request without a body as null: no body is a valid call.
      body: apiCreateKeyBody.nullish(),
      response: apiResponses({ 201: apiCreatedKey }),
    },
    handler: async (req, reply) => {
      const key = await run(deps, req, (ctx) => createApiKey({ ctx, input: { name: req.body?.name } }));
      reply.header('cache-control', 'no-store');
      return reply.code(201).send(key);
    },
  });
}
