import { idParam, listOf, listTransfersQuery, transferSchema } from '@bursar/core';
import { getTransfer, listTransfers } from '../../services/money/transfers.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET /v1/transfers and /v1/transfers/:id: both the sending and the receiving workspace see a transfer. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/transfers',
    config: { auth: 'management' },
    schema: {
      tags: ['Transfers'],
      summary: 'List transfers in and out of this workspace, newest first',
      security: bearerAuth,
      querystring: listTransfersQuery,
      response: responses({ 200: listOf(transferSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listTransfers({ ctx, input: req.query })),
  });
  app.route({
    method: 'GET',
    url: '/v1/transfers/:id',
    config: { auth: 'management' },
    schema: { tags: ['Transfers'], summary: 'Get a transfer', security: bearerAuth, params: idParam, response: responses({ 200: transferSchema }) },
    handler: (req) => run(deps, req, (ctx) => getTransfer({ ctx, input: req.params })),
  });
}
