import { cardAuthorizationSchema, createCardAuthorizationBody } from '@bursar/core';
import { authorizeCard, cardAuthorizationDecision } from '../../services/cards/authorizations.js';
import { callerOf } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/sandbox/card-authorizations',
    config: { auth: 'management' },
    schema: {
      tags: ['Cards'],
      summary: 'Simulate a card network authorization (sandbox network simulator)',
      description:
        "Names the card by card_number or card_id. Decided like a network authorization through the same engine as a spend request: the card's state (frozen, cancelled, expired, used), a just-in-time credential's merchant and amount, the card's spend limit, then the policy, its budgets and the wallet. Approved, the amount is held until capture or reversal; a decision that would need a human is declined (networks cannot wait). Every answer, approved or declined, is recorded and answered with 200.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createCardAuthorizationBody,
      response: responses({ 200: cardAuthorizationSchema }),
    },
    handler: async (req, reply) => {
      const decision = await cardAuthorizationDecision(deps.db, deps.config, callerOf(req).workspace.id, req.body);
      return runIdempotent(deps, req, reply, async (ctx) => ({ status: 200, body: await authorizeCard({ ctx, input: req.body, found: decision?.card }) }), { decision });
    },
  });
}
