import { completeSpendBody, idParam, spendRequestSchema } from '@bursar/core';
import { cancelSpendRequest } from '../../services/approvals/approvals.js';
import { settleSpend } from '../../services/spend/requests.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const summaries = {
  complete: 'Capture an approved request (at most the approved amount; the rest is released)',
  cancel: 'Cancel an approved request and release its hold, or withdraw one still waiting for a human',
  fail: 'Mark an approved request failed and release its hold',
} as const;

/** POST /v1/spend-requests/:id/complete, /cancel and /fail. */
export function register(app: App, deps: Deps) {
  for (const action of ['complete', 'cancel', 'fail'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/spend-requests/:id/${action}`,
      config: { auth: 'any' },
      schema: {
        tags: ['Spend'],
        summary: summaries[action],
        security: bearerAuth,
        headers: idempotencyHeaders,
        params: idParam,
        // Fastify validates a request without a body as null: no body is a valid call.
        body: completeSpendBody.nullish(),
        response: responses({ 200: spendRequestSchema }),
      },
      handler: (req, reply) =>
        runIdempotent(deps, req, reply, async (ctx) => ({
          status: 200,
          body:
            action === 'cancel' && req.body?.amount_cents === undefined
              ? await cancelSpendRequest({ ctx, input: { id: req.params.id } })
              : await settleSpend({ ctx, input: { id: req.params.id, action, amount_cents: req.body?.amount_cents } }),
        })),
    });
  }
}
