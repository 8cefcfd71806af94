import { z } from 'zod';
import type { App, Deps } from '../types.js';

export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/healthz',
    config: { auth: 'none' },
    schema: {
      tags: ['Operations'],
      summary: 'Liveness and database reachability',
      response: { 200: z.object({ ok: z.literal(true), sandbox: z.boolean() }), 503: z.object({ ok: z.literal(false), error: z.string() }) },
    },
    handler: async (_req, reply) => {
      try {
        await deps.db.db.selectFrom('kv').select('key').limit(1).execute();
        return { ok: true as const, sandbox: deps.config.sandbox };
      } catch {
        return reply.code(503).send({ ok: false as const, error: 'database unavailable' });
      }
    },
  });
}
