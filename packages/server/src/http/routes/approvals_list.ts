import { approvalSchema, listApprovalsQuery, listOf } from '@bursar/core';
import { listApprovals } from '../../services/approvals/approvals.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/approvals',
    config: { auth: 'management' },
    schema: {
      tags: ['Approvals'],
      summary: 'The approval queue',
      description: 'Each pending item says by how much approving it now would exceed its tightest budget.',
      security: bearerAuth,
      querystring: listApprovalsQuery,
      response: responses({ 200: listOf(approvalSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listApprovals({ ctx, input: req.query })),
  });
}
