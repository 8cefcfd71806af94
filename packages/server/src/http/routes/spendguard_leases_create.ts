import { createLeaseBody, leaseSchema } from '@bursar/core';
import { createLease } from '../../services/budget/leases.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/budget-leases',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Allocate bounded budget to a child agent',
      description:
        "Called with the parent agent's spending key (or a management key naming parent_agent_id). The amount leaves the parent's remaining budget (or the parent's own lease) at once; the child then spends only from the lease, under its own policy's rules. 409 budget_exceeded when the parent does not have it.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createLeaseBody,
      response: responses({ 201: leaseSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createLease({ ctx, input: req.body }) })),
  });
}
