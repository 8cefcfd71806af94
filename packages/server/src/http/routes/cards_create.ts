import { cardSchema, createCardBody } from '@bursar/core';
import { createCard } from '../../services/cards/cards.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/cards',
    config: { auth: 'management' },
    schema: {
      tags: ['Cards'],
      summary: 'Issue a proxy card under a policy',
      description:
        "Sandbox issuing makes a Luhn-valid number from a test BIN; the number and CVC are encrypted at rest and never shown here (last4, brand and expiry only). The card spends as agent_id (under policy_id), or as a cardholder agent of its own. spend_limit_cents caps the card's lifetime spend.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createCardBody,
      response: responses({ 201: cardSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createCard({ ctx, input: req.body }) })),
  });
}
