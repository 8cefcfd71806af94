import { idParam, walletBalanceSchema } from '@bursar/core';
import { getWalletBalance } from '../../services/money/wallets.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/wallets/:id/balance',
    config: { auth: 'management' },
    schema: { tags: ['Wallets'], summary: "A wallet's available and held balances", security: bearerAuth, params: idParam, response: responses({ 200: walletBalanceSchema }) },
    handler: (req) => run(deps, req, (ctx) => getWalletBalance({ ctx, input: req.params })),
  });
}
