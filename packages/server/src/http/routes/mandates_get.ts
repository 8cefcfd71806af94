import { idParam, mandateSchema } from '@bursar/core';
import { getMandate } from '../../services/control/mandates.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/mandates/:id',
    config: { auth: 'management' },
    schema: { tags: ['Mandates'], summary: 'Get a mandate', security: bearerAuth, params: idParam, response: responses({ 200: mandateSchema }) },
    handler: (req) => run(deps, req, (ctx) => getMandate({ ctx, input: req.params })),
  });
}
