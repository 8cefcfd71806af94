import { idParam, reservationSchema } from '@bursar/core';
import { getReservation } from '../../services/spend/reservations.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-guard/reservations/:id',
    config: { auth: 'any' },
    schema: { tags: ['SpendGuard'], summary: 'Get a reservation', security: bearerAuth, params: idParam, response: responses({ 200: reservationSchema }) },
    handler: (req) => run(deps, req, (ctx) => getReservation({ ctx, input: req.params })),
  });
}
