import { captureReservationBody, idParam, reservationSchema } from '@bursar/core';
import { resolveReservation } from '../../services/spend/reservations.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const summaries = {
  capture: 'Capture reserved spend after a successful outcome (at most the reserved amount; the rest is released)',
  release: 'Release reserved spend after failure or cancellation',
} as const;

/** POST /v1/spend-guard/reservations/:id/capture and /release: each reservation resolves exactly once. */
export function register(app: App, deps: Deps) {
  for (const action of ['capture', 'release'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/spend-guard/reservations/:id/${action}`,
      config: { auth: 'any' },
      schema: {
        tags: ['SpendGuard'],
        summary: summaries[action],
        description: 'A reservation that is no longer reserved answers 409 invalid_state; capturing more than was reserved is 400.',
        security: bearerAuth,
        headers: idempotencyHeaders,
        params: idParam,
        body: (action === 'capture' ? captureReservationBody : captureReservationBody.pick({})).nullish(),
        response: responses({ 200: reservationSchema }),
      },
      handler: (req, reply) =>
        runIdempotent(deps, req, reply, async (ctx) => ({
          status: 200,
          body: await resolveReservation({ ctx, input: { id: req.params.id, action, amount_cents: (req.body as { amount_cents?: number } | null | undefined)?.amount_cents } }),
        })),
    });
  }
}
