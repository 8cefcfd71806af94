import { fundResultSchema, fundWalletBody, idParam } from '@bursar/core';
import { fundWallet } from '../../services/money/wallets.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/wallets/:id/fund',
    config: { auth: 'management' },
    schema: {
      tags: ['Wallets'],
      summary: 'Fund a sandbox wallet from the faucet',
      description: 'Sandbox only. Send an Idempotency-Key so a retried call funds once.',
      security: bearerAuth,
      headers: idempotencyHeaders,
      params: idParam,
      body: fundWalletBody,
      response: responses({ 200: fundResultSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({
        status: 200,
        body: await fundWallet({ ctx, input: { id: req.params.id, amount_cents: req.body.amount_cents } }),
      })),
  });
}
