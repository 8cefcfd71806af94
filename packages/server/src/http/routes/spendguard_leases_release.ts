import { idParam, leaseSchema } from '@bursar/core';
import { releaseLease } from '../../services/budget/lease-endings.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/budget-leases/:id/release',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Release an active child-agent budget lease',
      description: "The child's open holds on the lease (and on leases drawn from it) are cancelled; what was not spent returns to the parent. 409 invalid_state when it is no longer active.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      response: responses({ 200: leaseSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 200, body: await releaseLease({ ctx, input: req.params }) })),
  });
}
