import { createWorkspaceBody, createdWorkspaceSchema } from '@bursar/core';
import { createWorkspace } from '../../services/workspace/workspaces.js';
import { runIdempotent } from '../idempotency.js';
import { bearerAuth, idempotencyHeaders, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

/** Replays of a created workspace leave out its keys: a secret is shown once. */
function withoutKeys(body: unknown): unknown {
  const { management_key: _m, spending_key: _s, ...shown } = body as Record<string, unknown>;
  return shown;
}

export function register(app: App, deps: Deps) {
  app.route({
    method: 'POST',
    url: '/v1/workspaces',
    config: { auth: 'management' },
    schema: {
      tags: ['Workspaces'],
      summary: 'Create a workspace for a team (root management key only)',
      description:
        "Provisions a USD wallet, a default policy, a default agent with a spending key, the default card and a management key; both keys are shown once. Workspaces are isolated: a key sees only its own workspace. A non-root key gets 403 forbidden.",
      security: bearerAuth,
      headers: idempotencyHeaders,
      body: createWorkspaceBody,
      response: responses({ 201: createdWorkspaceSchema }),
    },
    handler: (req, reply) =>
      runIdempotent(deps, req, reply, async (ctx) => ({ status: 201, body: await createWorkspace({ ctx, input: req.body }) }), { stored: withoutKeys }),
  });
}
