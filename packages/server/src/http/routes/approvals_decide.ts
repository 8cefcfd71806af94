import { approvalSchema, approveBody, declineBody, idParam, spendRequestSchema } from '@bursar/core';
import { approveApproval, declineApproval } from '../../services/approvals/approvals.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const decided = approvalSchema.extend({ spend_request: spendRequestSchema });

/** POST /v1/approvals/:id/approve and /decline. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/approvals/:id/approve',
    config: { auth: 'management' },
    schema: {
      tags: ['Approvals'],
      summary: 'Approve a pending request',
      description:
        "When the policy asks several operators (approvals_required), each distinct key's approval is recorded (approval.partially_approved) and the request stays pending until the last; the same key approving again answers 409 already_approved_by_you. " +
        'The last approval re-checks the budget now: if the request no longer fits, answers 409 budget_exceeded and leaves it pending, unless override_budget is true (audited). A decided approval answers 409 invalid_state.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      // Fastify validates a request without a body as null: no body is a valid call.
      body: approveBody.nullish(),
      response: responses({ 200: decided }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({
        status: 200,
        body: await approveApproval({ ctx, input: { id: req.params.id, ...(req.body ?? {}) } }),
      })),
  });
  app.route({
    method: 'POST',
    url: '/v1/approvals/:id/decline',
    config: { auth: 'management' },
    schema: {
      tags: ['Approvals'],
      summary: 'Decline a pending request',
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      // Fastify validates a request without a body as null: no body is a valid call.
      body: declineBody.nullish(),
      response: responses({ 200: decided }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({
        status: 200,
        body: await declineApproval({ ctx, input: { id: req.params.id, ...(req.body ?? {}) } }),
      })),
  });
}
