import { executeBody, executeResponse } from '@bursar/core';
import { executePayment } from '../../services/api-v1/payment-handles.js';
import { readSat } from '../../services/api-v1/sat.js';
import { apiResponses, policyApiTag } from '../api-v1.js';
import { run } from '../call.js';
import { apiKeyAuth } from '../responses.js';
import type { App, Deps } from '../types.js';

/** POST /api/v1/payment/execute: runs an external-executor or managed SAT through its handle's rail, once. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/api/v1/payment/execute',
    config: { auth: 'any', dialect: 'api-v1' },
    schema: {
      tags: policyApiTag,
      summary: 'Execute a payment through a payment handle (external executor or managed mode)',
      description:
        'A SAT executes at most once (409 on the second try); an SDK-guard SAT is refused. A completed payment captures the amount and releases the rest; a failed one releases the hold.',
      security: apiKeyAuth,
      body: executeBody,
      response: apiResponses({ 200: executeResponse }),
    },
    handler: async (req) => {
      const claims = await readSat(deps.config.signer, req.body.sat);
      return run(deps, req, (ctx) => executePayment({ ctx, input: { ...req.body, claims } }));
    },
  });
}
