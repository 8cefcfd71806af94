import { idParam, paymentSchema } from '@bursar/core';
import { getPayment } from '../../services/control/payments.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/payments/:id',
    config: { auth: 'any' },
    schema: { tags: ['Payments'], summary: 'Get a payment', description: "A spending key sees only its own agent's payments.", security: bearerAuth, params: idParam, response: responses({ 200: paymentSchema }) },
    handler: (req) => run(deps, req, (ctx) => getPayment({ ctx, input: req.params })),
  });
}
