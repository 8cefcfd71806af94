import { estimateBody, estimateSchema } from '@bursar/core';
import { estimateSpend } from '../../services/spend/spendguard.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/estimate',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Estimate payment, token, tool, or delegated spend',
      description:
        'kind payment {amount_cents, currency, merchant_name}; token {model, input_tokens, output_tokens} and tool {tool, calls} are priced from /v1/spend-guard/prices (rounded up to whole cents); delegated {amount_cents, currency} is a budget lease. Answers the cost and the authorize verdict for it; changes nothing.',
      security: bearerAuth,
      body: estimateBody,
      response: responses({ 200: estimateSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => estimateSpend({ ctx, input: req.body })),
  });
}
