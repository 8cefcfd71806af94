import { eventSchema, listEventsQuery, listOf } from '@bursar/core';
import { listEvents } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/events',
    config: { auth: 'management' },
    schema: {
      tags: ['Events'],
      summary: 'Events, newest first, for reconciliation by polling',
      description: 'Filter by type and by object_id (e.g. a spend request id).',
      security: bearerAuth,
      querystring: listEventsQuery,
      response: responses({ 200: listOf(eventSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listEvents({ ctx, input: req.query })),
  });
}
