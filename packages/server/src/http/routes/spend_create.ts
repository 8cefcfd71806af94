import { createSpendBody, spendRequestSchema } from '@bursar/core';
import { createSpend, requireAgentActor } from '../../services/spend/requests.js';
import { checkDeliveryUrl } from '../../services/events/webhooks.js';
import { callerOf, decisionOf, recordedAsDeclined } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** POST /v1/spend-requests and its alias POST /v1/spend. */
export function register(app: App, deps: Deps) {
  for (const url of ['/v1/spend-requests', '/v1/spend']) {
    app.route({
      method: 'POST',
      url,
      config: { auth: 'agent' },
      schema: {
        tags: ['Spend'],
        summary: url === '/v1/spend' ? 'Request to spend (alias of POST /v1/spend-requests)' : 'Request to spend',
        description:
          'Decides at once: approved (the money is held), declined, or needs_approval (pending; approval_url opens the decision). Send an Idempotency-Key and reuse it on every retry. When the wallet cannot cover an approved amount the answer is 402 funding_source_budget_exceeded and the attempt is recorded as declined.',
        security: bearerAuth,
        headers: idempotencyHeaders,
        body: createSpendBody,
        response: responses({ 200: spendRequestSchema }),
      },
      handler: async (req, reply) => {
        await checkDeliveryUrl(deps.config, callerOf(req).workspace.livemode, req.body.callback_url, 'callback_url');
        // Counted once committed, and never for a replay (which does not decide again).
        let decided: string | undefined;
        await runIdempotent(deps, req, reply, async (ctx) => {
          const agentId = requireAgentActor(ctx);
          const { spend, fundingShortfall, writes } = await createSpend({ ctx, input: { ...req.body, agent_id: agentId }, deferWrites: true });
          decided = spend.status;
          if (!fundingShortfall) return { status: 200, body: spend, writes };
          return { ...recordedAsDeclined(req, 'spend_request', spend), writes };
        }, { decision: decisionOf(req) });
        if (decided !== undefined) app.bursarMetrics?.decided(decided);
      },
    });
  }
}
