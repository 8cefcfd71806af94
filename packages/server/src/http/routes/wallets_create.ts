import { createWalletBody, walletSchema } from '@bursar/core';
import { createWallet } from '../../services/money/wallets.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/wallets',
    config: { auth: 'management' },
    schema: { tags: ['Wallets'], summary: 'Create a wallet for a currency', security: bearerAuth, headers: idempotencyHeaders, body: createWalletBody, response: responses({ 201: walletSchema }) },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createWallet({ ctx, input: req.body }) })),
  });
}
