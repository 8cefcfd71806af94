import { idParam, policySimulationSchema, simulatePolicyBody } from '@bursar/core';
import { simulatePolicy } from '../../services/policy-simulation.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/policies/:id/simulate',
    config: { auth: 'management' },
    schema: {
      tags: ['Policies'],
      summary: 'Backtest a policy change',
      description:
        'Replays the decisions recorded under this policy from `from` to `to` (default: the last 30 days), oldest first, ' +
        'under `draft` applied over the current policy, with budgets consumed as the draft would have consumed them, and ' +
        'counts what would change. Changes nothing. The wallet is not replayed: a request it could not cover stays declined.',
      security: bearerAuth,
      params: idParam,
      body: simulatePolicyBody,
      response: responses({ 200: policySimulationSchema }),
    },
    handler: (req) => run(deps, req, (ctx) => simulatePolicy({ ctx, input: { id: req.params.id, ...req.body } })),
  });
}
