import { idParam, policySchema } from '@bursar/core';
import { getPolicy } from '../../services/policies/policies.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/policies/:id',
    config: { auth: 'management' },
    schema: { tags: ['Policies'], summary: 'Get a policy', security: bearerAuth, params: idParam, response: responses({ 200: policySchema }) },
    handler: (req) => run(deps, req, (ctx) => getPolicy({ ctx, input: req.params })),
  });
}
