import { sql } from 'kysely';
import { z } from 'zod';
import type { App, Deps } from '../types.js';

/** Readiness for a load balancer: 503 while the database cannot answer. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/readyz',
    config: { auth: 'none' },
    schema: {
      tags: ['Operations'],
      summary: 'Readiness: the database answers',
      response: { 200: z.object({ ready: z.literal(true), database: z.string() }), 503: z.object({ ready: z.literal(false), database: z.string(), error: z.string() }) },
    },
    handler: async (_req, reply) => {
      try {
        await sql`select 1`.execute(deps.db.db);
        return { ready: true as const, database: deps.db.kind };
      } catch {
        return reply.code(503).send({ ready: false as const, database: deps.db.kind, error: 'database unreachable' });
      }
    },
  });
}
