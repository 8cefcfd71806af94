import { apiKeySchema, idParam } from '@bursar/core';
import { revokeKey } from '../../services/agents/keys.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'DELETE',
    url: '/v1/api-keys/:id',
    config: { auth: 'management' },
    schema: { tags: ['API keys'], summary: 'Revoke a key at once', security: bearerAuth, params: idParam, response: responses({ 200: apiKeySchema }) },
    handler: (req) => run(deps, req, (ctx) => revokeKey({ ctx, input: req.params })),
  });
}
