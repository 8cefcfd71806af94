import { agentSchema, idParam } from '@bursar/core';
import { changeAgentStatus } from '../../services/agents/lifecycle.js';
import { run } from '../call.js';
import { bearerAuth, noBody, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** POST /v1/agents/:id/pause and /resume: the same route shape, one verb each. */
export function register(app: App, deps: Deps) {
  for (const transition of ['pause', 'resume'] as const) {
    app.route({
      method: 'POST',
      url: `/v1/agents/:id/${transition}`,
      config: { auth: 'management' },
      schema: {
        tags: ['Agents'],
        summary: transition === 'pause' ? 'Pause an agent: its spend requests are declined until resumed' : 'Resume a paused agent',
        security: bearerAuth,
        body: noBody,
        params: idParam,
        response: responses({ 200: agentSchema }),
      },
      handler: (req) => run(deps, req, (ctx) => changeAgentStatus({ ctx, input: { id: req.params.id, transition } })),
    });
  }
}
