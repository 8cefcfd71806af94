import { listOf, listWorkspacesQuery, workspaceSchema } from '@bursar/core';
import { listWorkspaces } from '../../services/workspace/workspaces.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/workspaces',
    config: { auth: 'management' },
    schema: {
      tags: ['Workspaces'],
      summary: "List the instance's workspaces (root management key only)",
      security: bearerAuth,
      querystring: listWorkspacesQuery,
      response: responses({ 200: listOf(workspaceSchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listWorkspaces({ ctx, input: req.query })),
  });
}
