import { InvalidRequestError, balanceSchema } from '@bursar/core';
import { z } from 'zod';
import { getBalance } from '../../services/budget/balance.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/balance',
    config: { auth: 'any' },
    schema: {
      tags: ['Spend'],
      summary: "The key's agent's wallet and remaining budgets",
      description: 'With a spending key, for its agent. With a management key, pass agent_id.',
      security: bearerAuth,
      querystring: z.object({ agent_id: z.string().max(64).optional() }),
      response: responses({ 200: balanceSchema }),
    },
    handler: (req) =>
      run(deps, req, (ctx) => {
        const agentId = ctx.actor.type === 'agent' ? ctx.actor.agentId : req.query.agent_id;
        if (agentId === undefined) throw new InvalidRequestError('agent_id is required with a management key', 'agent_id');
        return getBalance({ ctx, input: { agent_id: agentId } });
      }),
  });
}
