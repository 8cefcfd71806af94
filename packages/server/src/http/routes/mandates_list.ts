import { listOf, mandateSchema, mandateStatus, pageQuery } from '@bursar/core';
import { z } from 'zod';
import { listMandates } from '../../services/control/mandates.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

const listMandatesQuery = pageQuery.extend({
  agent_id: z.string().max(64).optional(),
  status: mandateStatus.optional().describe('As presented: an active mandate past its expiry is expired'),
});

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/mandates',
    config: { auth: 'management' },
    schema: {
      tags: ['Mandates'],
      summary: 'List mandates, newest first',
      description: 'Filters: agent_id, status (active, revoked, expired).',
      security: bearerAuth,
      querystring: listMandatesQuery,
      response: responses({ 200: listOf(mandateSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listMandates({ ctx, input: req.query })),
  });
}
