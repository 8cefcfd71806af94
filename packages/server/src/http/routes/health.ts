import { z } from 'zod';
import type { App, Deps } from '../types.js';

/**
 * Liveness for a supervisor: answers while the process serves and touches nothing else, so a
 * slow or lost database never gets a live process restarted. Whether the database answers is
 * /readyz's question.
 */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/healthz',
    config: { auth: 'none' },
    schema: {
      tags: ['Operations'],
      summary: 'Liveness: the process serves (no database check; see /readyz)',
      response: { 200: z.object({ ok: z.literal(true), sandbox: z.boolean() }) },
    },
    handler: async () => ({ ok: true as const, sandbox: deps.config.sandbox }),
  });
}
