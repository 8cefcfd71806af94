import { listOf, pageQuery, walletSchema } from '@bursar/core';
import { listWallets } from '../../services/money/wallets.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/wallets',
    config: { auth: 'management' },
    schema: { tags: ['Wallets'], summary: 'List wallets', security: bearerAuth, querystring: pageQuery, response: responses({ 200: listOf(walletSchema) }) },
    handler: (req) => run(deps, req, (ctx) => listWallets({ ctx, input: req.query })),
  });
}
