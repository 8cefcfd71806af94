import { auditEntrySchema, listAuditLogQuery, listOf } from '@bursar/core';
import { listAuditLog } from '../../services/events/audit-log.js';
import { run } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/v1/audit-log',
    config: { auth: 'management' },
    schema: {
      tags: ['Audit'],
      summary: 'The append-only audit log of operator actions, newest first',
      description:
        'Every change an operator (or an agent, or Bursar itself) made: keys, policies, approvals and overrides, agents, funding, webhooks, mandates. Each entry names the actor and holds the object before and after. Filter by action, object_id and actor_id.',
      security: bearerAuth,
      querystring: listAuditLogQuery,
      response: responses({ 200: listOf(auditEntrySchema) }),
    },
    handler: (req) => run(deps, req, (ctx) => listAuditLog({ ctx, input: req.query })),
  });
}
