import { captureCardAuthorizationBody, cardAuthorizationSchema, idParam } from '@bursar/core';
import { resolveCardAuthorization } from '../../services/cards/authorizations.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const summaries = {
  capture: 'Capture an approved card authorization (at most its amount; the rest of the hold is released)',
  reverse: 'Reverse an approved card authorization: its hold is released',
} as const;

/** POST /v1/sandbox/card-authorizations/:id/capture and /reverse: each authorization ends once. */
export function register(app: App, deps: Deps) {
  for (const action of ['capture', 'reverse'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/sandbox/card-authorizations/:id/${action}`,
      config: { auth: 'management' },
      schema: {
        tags: ['Cards'],
        summary: summaries[action],
        description: 'An authorization that is not approved answers 409 invalid_state; capturing more than was authorized is 400.',
        security: bearerAuth,
        headers: idempotencyHeaders,
        params: idParam,
        body: (action === 'capture' ? captureCardAuthorizationBody : captureCardAuthorizationBody.pick({})).nullish(),
        response: responses({ 200: cardAuthorizationSchema }),
      },
      handler: (req, reply) =>
        runIdempotent(deps, req, reply, async (ctx) => ({
          status: 200,
          body: await resolveCardAuthorization({ ctx, input: { id: req.params.id, action, amount_cents: (req.body as { amount_cents?: number } | null | undefined)?.amount_cents } }),
        })),
    });
  }
}
