import { listOf, pageQuery, policySchema } from '@bursar/core';
import { listPolicies } from '../../services/policies/policies.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/policies',
    config: { auth: 'management' },
    schema: { tags: ['Policies'], summary: 'List policies', security: bearerAuth, querystring: pageQuery, response: responses({ 200: listOf(policySchema) }) },
    handler: (req) => run(deps, req, (ctx) => listPolicies({ ctx, input: req.query })),
  });
}
