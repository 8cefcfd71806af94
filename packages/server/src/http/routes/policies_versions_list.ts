import { idParam, listOf, policyVersionSchema, policyVersionsQuery } from '@bursar/core';
import { listPolicyVersions } from '../../services/policies/policies.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/policies/:id/versions',
    config: { auth: 'management' },
    schema: {
      tags: ['Policies'],
      summary: 'List a policy\'s versions',
      description: 'Every version of the policy, newest first, the current one included: each as the policy was then, when and by which key it was made. `next_cursor` is a version number.',
      security: bearerAuth,
      params: idParam,
      querystring: policyVersionsQuery,
      response: responses({ 200: listOf(policyVersionSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listPolicyVersions({ ctx, input: { id: req.params.id, ...req.query } })),
  });
}
