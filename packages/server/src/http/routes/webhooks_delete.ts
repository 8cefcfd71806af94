import { idParam } from '@bursar/core';
import { z } from 'zod';
import { deleteWebhookEndpoint } from '../../services/events/webhooks.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'DELETE',
    url: '/v1/webhooks/:id',
    config: { auth: 'management' },
    schema: {
      tags: ['Webhooks'],
      summary: 'Delete a webhook endpoint',
      security: bearerAuth,
      params: idParam,
      response: responses({ 200: z.object({ id: z.string(), object: z.literal('webhook_endpoint'), deleted: z.literal(true) }) }),
    },
    handler: (req) => run(deps, req, (ctx) => deleteWebhookEndpoint({ ctx, input: req.params })),
  });
}
