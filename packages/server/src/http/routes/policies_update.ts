import { idParam, policySchema, updatePolicyBody } from '@bursar/core';
import { updatePolicy } from '../../services/policies/policies.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'PUT',
    url: '/v1/policies/:id',
    config: { auth: 'management' },
    schema: {
      tags: ['Policies'],
      summary: 'Update a policy',
      description: 'Changes the fields sent; fields left out keep their value; null clears a limit. Audited with before and after.',
      security: bearerAuth,
      params: idParam,
      body: updatePolicyBody,
      response: responses({ 200: policySchema }),
    },
    handler: (req) => run(deps, req, (ctx) => updatePolicy({ ctx, input: { id: req.params.id, fields: req.body } })),
  });
}
