import { createReservationBody, reservationSchema } from '@bursar/core';
import { createReservation } from '../../services/spend/reservations.js';
import { decisionOf, recordedAsDeclined } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/reservations',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Reserve budget before an agent action executes',
      description:
        'Decided like a spend request: reserved (the money is held until capture, release or expiry after ttl_seconds), declined, or needs_approval (the same approvals queue). Send an Idempotency-Key. A management key names agent_id. 402 funding_source_budget_exceeded when the wallet cannot cover it (recorded as declined).',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createReservationBody,
      response: responses({ 200: reservationSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => {
        const { reservation, fundingShortfall } = await createReservation({ ctx, input: req.body });
        if (!fundingShortfall) return { status: 200, body: reservation };
        return recordedAsDeclined(req, 'reservation', reservation);
      }, { decision: decisionOf(req, req.body.agent_id) }),
  });
}
