import { authorizeBody, authorizeSchema } from '@bursar/core';
import { authorizeSpend } from '../../services/spend/spendguard.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/spend-guard/authorize',
    config: { auth: 'any' },
    schema: {
      tags: ['SpendGuard'],
      summary: 'Return allow, deny, or approval_required without mutating budget',
      description: 'The same engine as a spend request, read-only: nothing is held, counted, recorded or emitted. remaining_budget_cents is what is left now. A management key names agent_id.',
      security: bearerAuth,
      body: authorizeBody,
      response: responses({ 200: authorizeSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => authorizeSpend({ ctx, input: req.body })),
  });
}
