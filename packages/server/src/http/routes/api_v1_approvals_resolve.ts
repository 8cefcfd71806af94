import { BursarError, idParam, resolveApprovalBody, resolveApprovalResponse } from '@bursar/core';
import { resolveApproval } from '../../services/api-v1/evaluation.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { runIdempotent } from '../idempotency.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/**
 * The approval service words its 409 for /v1 (`override_budget`, "decline"); this dialect's
 * caller needs the advice in its own fields, or following it is a 400 unknown field.
 */
function inThisDialect(err: unknown): unknown {
  if (!(err instanceof BursarError) || err.code !== 'budget_exceeded') return err;
  const { exceeds_budget_by_cents: overrun, budget_period: period } = err.details;
  return new BursarError(
    'budget_exceeded',
    `Approving would exceed the ${String(period)} budget by ${String(overrun)} cents; resolve it as REJECTED, or as APPROVED again with overrideBudget: true`,
    err.details,
  );
}

/** POST /api/v1/approvals/:id/resolve: APPROVED or REJECTED, through the /v1 approval service. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/api/v1/approvals/:id/resolve',
    config: { auth: 'management', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Approve or reject a pending approval',
      description:
        'APPROVED re-checks the budget: if the request no longer fits the answer is 409 and it stays pending (or send overrideBudget: true, audited). An approved request gets its SAT.',
      security: apiKeyAuth,
      params: idParam,
      body: resolveApprovalBody,
      response: apiResponses({ 200: resolveApprovalResponse }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => {
        try {
          return { status: 200, body: await resolveApproval({ ctx, input: { id: req.params.id, ...req.body } }) };
        } catch (err) {
          throw inThisDialect(err);
        }
      }),
  });
}
