import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Database } from '../db/database.js';
import type { ApiKeyRow } from '../store/rows.js';
import type { ServiceConfig } from '../services/context.js';
import type { Caller } from '../services/run.js';

/** Who may call a route: a management key, a spending key, either, anyone, or an execution token (payments). */
export type AuthMode = 'management' | 'agent' | 'any' | 'none' | 'execution';

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthMode;
    /**
     * The route's dialect: 'api-v1' for the policy-evaluation API (camelCase, x-api-key,
     * `{"error": "message"}`); the /v1 envelope otherwise. Declared by each route, so that its
     * errors and credentials follow it; only a request no route matched is told by its URL.
     */
    dialect?: 'api-v1';
  }
  interface FastifyRequest {
    caller?: Caller;
    apiKey?: ApiKeyRow;
  }
}

/** The Fastify instance with zod schemas as its type provider. */
export type App = FastifyInstance<RawServerDefault, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;

/** What every route needs to reach the services. */
export interface Deps {
  db: Database;
  config: ServiceConfig;
  idempotencyTtlMs: number;
  /** Browser origins besides the server's own that may call /mcp (BURSAR_MCP_ALLOWED_ORIGINS). */
  mcpAllowedOrigins?: readonly string[];
}
