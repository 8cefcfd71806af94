import { eventSchema, idParam } from '@bursar/core';
import { getEventById } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/events/:id',
    config: { auth: 'management' },
    schema: { tags: ['Events'], summary: 'Get an event', security: bearerAuth, params: idParam, response: responses({ 200: eventSchema }) },
    handler: (req) => run(deps, req, (ctx) => getEventById({ ctx, input: req.params })),
  });
}
