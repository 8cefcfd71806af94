import { z } from 'zod';
import type { App, Deps } from '../types.js';

/** Public keys of every token Bursar signs, for executors verifying offline. */
export function register(app: App, deps: Deps) {
  app.route({
    method: 'GET',
    url: '/.well-known/jwks.json',
    config: { auth: 'none' },
    schema: {
      tags: ['Tokens'],
      summary: 'JSON Web Key Set: the Ed25519 public keys of authorization and execution tokens',
      description: 'Verify a token offline: EdDSA signature by the key its header kid names, iss, exp. Retired keys stay here until every token they signed has expired.',
      response: { 200: z.object({ keys: z.array(z.record(z.string(), z.unknown())) }) },
    },
    handler: async (_req, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return (await deps.config.signer.publishedJwks()) as { keys: Array<Record<string, unknown>> };
    },
  });
}
