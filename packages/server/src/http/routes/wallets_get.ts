import { idParam, walletSchema } from '@bursar/core';
import { getWalletById } from '../../services/money/wallets.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/wallets/:id',
    config: { auth: 'management' },
    schema: { tags: ['Wallets'], summary: 'Get a wallet', security: bearerAuth, params: idParam, response: responses({ 200: walletSchema }) },
    handler: (req) => run(deps, req, (ctx) => getWalletById({ ctx, input: req.params })),
  });
}
