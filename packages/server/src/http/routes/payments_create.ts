import { createPaymentBody, paymentSchema } from '@bursar/core';
import { createPayment } from '../../services/control/payments.js';
import { recordedAsDeclined } from '../call.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/payments',
    config: { auth: 'execution' },
    schema: {
      tags: ['Payments'],
      summary: 'Execute a governed sandbox payment with an execution token',
      description:
        'Authorization: Bearer <execution token> (action payment.create, audience bursar:payments). The mandate, the policy and the budget are checked and the money moves through the ledger via the sandbox rail, in one transaction. Each token pays once: a replay is 401 execution_token_replayed. simulate: fail | pending exercises the other rail outcomes.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createPaymentBody,
      response: responses({ 200: paymentSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => {
        const { payment, fundingShortfall } = await createPayment({ ctx, input: req.body });
        if (!fundingShortfall) return { status: 200, body: payment };
        return recordedAsDeclined(req, 'payment', payment);
      }),
  });
}
