import { receiptBody, receiptResponse } from '@bursar/core';
import { recordReceipt } from '../../services/api-v1/receipts.js';
import { readSat } from '../../services/api-v1/sat.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** POST /api/v1/spend/receipt: what an SDK-guard agent actually paid, compared with its SAT. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/api/v1/spend/receipt',
    config: { auth: 'any', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Submit a payment receipt (SDK guard mode): anomaly flags, and the spend request completes',
      description:
        'Flags AMOUNT_MISMATCH, AMOUNT_OVER_AUTHORIZED, CURRENCY_MISMATCH, MERCHANT_MISMATCH (normalized merchant), EXPIRED_AUTHORIZATION, RAIL_MISMATCH and SPEND_REQUEST_NOT_OPEN. Captures the actual amount up to the authorized one and releases the rest. Idempotent: the same SAT answers the same receiptId. External and managed SATs go to /api/v1/payment/execute.',
      security: apiKeyAuth,
      body: receiptBody,
      response: apiResponses({ 200: receiptResponse }),
    },
    handler: async (req) => {
      const claims = await readSat(deps.config.signer, req.body.sat, { allowExpired: true });
      return run(deps, req, (ctx) => recordReceipt({ ctx, input: { ...req.body, claims } }));
    },
  });
}
