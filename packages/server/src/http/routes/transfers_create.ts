import { createTransferBody, transferSchema } from '@bursar/core';
import { createTransfer } from '../../services/money/transfers.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/transfers',
    config: { auth: 'management' },
    schema: {
      tags: ['Transfers'],
      summary: "Move money to another workspace's wallet",
      description:
        "Ledger-backed on both sides in one transaction (a transfer transaction on each wallet's chain); visible to both workspaces. Send an Idempotency-Key. 402 funding_source_budget_exceeded when the source wallet's available balance cannot cover it (nothing moves).",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createTransferBody,
      response: responses({ 201: transferSchema }),
    },
    handler: (req, reply) => runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createTransfer({ ctx, input: req.body }) })),
  });
}
