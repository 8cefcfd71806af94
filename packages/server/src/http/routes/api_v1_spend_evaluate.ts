import { evaluateBody, evaluateResponse } from '@bursar/core';
import { evaluateSpend, inDialect } from '../../services/api-v1/evaluation.js';
import { checkDeliveryUrl } from '../../services/events/webhooks.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { callerOf, decisionOf } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** POST /api/v1/spend/evaluate: the /v1 spend decision in the reference's dialect. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/api/v1/spend/evaluate',
    config: { auth: 'any', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Evaluate a spend intent: ALLOW (with a SAT), DENY or REQUIRE_APPROVAL',
      description:
        'Records a spend request (the one GET /v1/spend-requests/:id shows). A management key may name any agent (an unknown name registers an agent under the default policy); a spending key evaluates for its own agent. idempotencyKey replays the first answer. When the wallet cannot cover an allowed amount the answer is 402 and the request is recorded as declined (INSUFFICIENT_FUNDS).',
      security: apiKeyAuth,
      body: evaluateBody,
      response: apiResponses({ 200: evaluateResponse }),
    },
    handler: async (req, reply) => {
      // May resolve DNS: before the deciding transaction, never while the budget is locked.
      await inDialect(() => checkDeliveryUrl(deps.config, callerOf(req).workspace.livemode, req.body.callbackUrl, 'callback_url'));
      return runIdempotent(
        deps,
        req,
        reply,
        async (ctx) => {
          const out = await evaluateSpend({ ctx, input: req.body });
          if (!out.fundingShortfall) return { status: 200, body: out.body };
          return {
            status: 402,
            body: {
              error: `The ${out.currency.toUpperCase()} wallet cannot cover ${out.amountCents}; the request was recorded as declined (INSUFFICIENT_FUNDS)`,
              ...out.body,
            },
          };
        },
        { key: req.body.idempotencyKey, decision: decisionOf(req, req.body.agentId) },
      );
    },
  });
}
