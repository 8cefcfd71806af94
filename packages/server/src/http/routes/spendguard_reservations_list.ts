import { listOf, listReservationsQuery, reservationSchema } from '@bursar/core';
import { listReservations } from '../../services/spend/reservations.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-guard/reservations',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'List reservation lifecycle evidence, newest first',
      description: 'Who (agent_id), when (created_at, decided_at, resolved_at), amounts (reserved, captured, released) and outcome. Filters: status, agent_id, created_after, created_before. A spending key lists only its own.',
      security: bearerAuth,
      querystring: listReservationsQuery,
      response: responses({ 200: listOf(reservationSchema) }),
    },
    handler: (req) =>
      run(deps, req, (ctx) =>
        listReservations({
          ctx,
          input: {
            ...req.query,
            created_after: req.query.created_after === undefined ? undefined : Date.parse(req.query.created_after),
            created_before: req.query.created_before === undefined ? undefined : Date.parse(req.query.created_before),
          },
        }),
      ),
  });
}
