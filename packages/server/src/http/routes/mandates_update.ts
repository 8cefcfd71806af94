import { idParam, mandateSchema, updateMandateBody } from '@bursar/core';
import { updateMandate } from '../../services/control/mandates.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'PUT',
    url: '/v1/mandates/:id',
    config: { auth: 'management' },
    schema: {
      tags: ['Mandates'],
      summary: 'Update a mandate (any subset of its scope; status revoked ends it for good)',
      description: 'Every change is audited with the mandate before and after.',
      security: bearerAuth,
      params: idParam,
      body: updateMandateBody,
      response: responses({ 200: mandateSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => updateMandate({ ctx, input: { ...req.body, id: req.params.id } })),
  });
}
