import { listOf, priceSchema, upsertPriceBody } from '@bursar/core';
import { listPrices, setPrice } from '../../services/spend/spendguard.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** GET and POST /v1/spend-guard/prices: the operator-managed price catalog estimates read. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/spend-guard/prices',
    config: { auth: 'any' },
    schema: { tags: ['SpendGuard'], summary: 'List the price catalog (models per million tokens, tools per call)', security: bearerAuth, response: responses({ 200: listOf(priceSchema) }) },
    handler: (req) => run(deps, req, (ctx) => listPrices({ ctx })),
  });
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/prices',
    config: { auth: 'management' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Set the price of a model or a tool (creates or replaces the entry for kind, name and currency)',
      description: 'Rates are cents and may be fractional: input_per_million_cents and output_per_million_cents for a model, per_call_cents for a tool.',
      security: bearerAuth,
      body: upsertPriceBody,
      response: responses({ 200: priceSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => setPrice({ ctx, input: req.body })),
  });
}
