import { approvalSchema, idParam } from '@bursar/core';
import { getApprovalById } from '../../services/approvals/approvals.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/approvals/:id',
    config: { auth: 'management' },
    schema: { tags: ['Approvals'], summary: 'Get an approval', security: bearerAuth, params: idParam, response: responses({ 200: approvalSchema }) },
    handler: (req) => run(deps, req, (ctx) => getApprovalById({ ctx, input: req.params })),
  });
}
