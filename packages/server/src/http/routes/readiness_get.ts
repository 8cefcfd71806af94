import { checkServerReadiness, readinessReportSchema } from '../../services/instance/readiness/index.js';
import { callerOf } from '../call.js';
import { bearerAuth, responses } from '../responses.js';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  const startedAt = Date.now();
  app.route({
    method: 'GET',
    url: '/v1/readiness',
    config: { auth: 'management' },
    schema: {
      tags: ['Operations'],
      summary: 'The go-live checks: server, money, live mode, webhooks, secrets, backups',
      description:
        'Each check is pass, warn or fail with its evidence and, unless it passed, the fix; ok is false when any check fails. A root management key sees the whole instance, another management key its own workspace. `bursar doctor` prints the same report.',
      security: bearerAuth,
      response: responses({ 200: readinessReportSchema }),
    },
    handler: (req, reply) => {
      // The authentication hook has already taken this request's token and said so in the header.
      const limit = reply.getHeader('ratelimit-limit');
      return checkServerReadiness({
        db: deps.db,
        config: deps.config,
        caller: callerOf(req),
        facts: {
          version: app.swagger().info.version,
          startedAt,
          rateLimit:
            limit === undefined
              ? { enabled: false, detail: 'this server answers without RateLimit headers: BURSAR_RATE_LIMIT_RPS or BURSAR_RATE_LIMIT_BURST is 0' }
              : { enabled: true, detail: `RateLimit-Limit ${String(limit)} per key on this server` },
        },
      });
    },
  });
}
