import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { LogController, type FastifyBaseLogger } from 'fastify';
import { validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { BursarError, newId } from '@bursar/core';
import { authenticate } from './auth.js';
import { AuthThrottle, authThrottleHooks } from './auth-throttle.js';
import { defaultDashboardDir, registerDashboard } from './dashboard.js';
import { errorHandler, routerError } from './errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from './json-depth.js';
import { Metrics, type MetricsOptions } from './metrics.js';
import { openapiOptions } from './openapi.js';
import { RateLimiter } from './rate-limit.js';
import { routeModules } from './routes/index.js';
import { securityHeaders } from './security-headers.js';
import type { App, Deps } from './types.js';
// Every kind of hold registered with the lifecycle before any route runs.
import '../services/wiring.js';

export interface AppOptions {
  deps: Deps;
  logger: FastifyBaseLogger;
  bodyLimit: number;
  rateLimit: { rps: number; burst: number };
  /** Failed authentications per client address before it is refused for the rest of the window (0: off). */
  authThrottle?: { limit: number; windowMs: number };
  /** Fastify's trustProxy: which proxies' X-Forwarded-For gives the client's address (the throttle counts by it). */
  trustProxy?: boolean | string[];
  version: string;
  /** The built dashboard (default: apps/dashboard/dist of this checkout). */
  dashboardDir?: string;
  /** GET /metrics (default: on, without a token). */
  metrics?: MetricsOptions;
}

/** Builds the HTTP app: auth, rate limits, the routes, OpenAPI at /openapi.json and docs at /docs. */
export async function buildApp(opts: AppOptions): Promise<App> {
  const app = Fastify({
    loggerInstance: opts.logger,
    bodyLimit: opts.bodyLimit,
    // One summary line per request (the onResponse hook below) instead of two.
    logController: new LogController({ disableRequestLogging: true }),
    genReqId: () => newId('rid'),
    requestIdHeader: false,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: opts.trustProxy ?? false,
    // Errors the router raises before any route runs answer in the envelope too.
    frameworkErrors: routerError,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // Responses are typed at compile time against their zod schemas; serializing with plain
  // JSON keeps the hot path free of a second validation pass.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler(errorHandler);

  // An empty body on a JSON request is "no body" (POST /pause with a Content-Type header).
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    if (nestsDeeperThan(text)) {
      return done(new BursarError('invalid_request', `The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, { field: 'body' }), undefined);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      done(new BursarError('invalid_request', 'Malformed JSON in the request body', { field: 'body' }), undefined);
      return;
    }
    const nul = /\\u0000/i.test(text) ? nulAt(parsed) : undefined;
    if (nul !== undefined) return done(nulError(nul === '' ? 'body' : nul), undefined);
    done(null, parsed);
  });

  // No text Bursar stores or looks up may hold a NUL character: PostgreSQL cannot store one, so
  // refuse it in the path and the query as the body parser refuses it in JSON, naming the field.
  app.addHook('preValidation', async (req) => {
    for (const part of [req.params, req.query]) {
      const field = nulAt(part);
      if (field !== undefined && field !== '') throw nulError(field);
    }
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('request-id', req.id);
  });
  const throttle = authThrottleHooks(new AuthThrottle(opts.authThrottle?.limit ?? 0, opts.authThrottle?.windowMs ?? 0));
  app.addHook('onRequest', throttle.guard(authenticate(opts.deps, new RateLimiter(opts.rateLimit.rps, opts.rateLimit.burst))));
  app.addHook('onResponse', throttle.onResponse);
  app.addHook('onSend', securityHeaders(() => opts.deps.config.publicUrl));
  app.addHook('onResponse', async (req, reply) => {
    req.log.info(
      { method: req.method, url: req.routeOptions.url ?? req.url.split('?')[0], status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });
  // One registry per app: several servers may share a process.
  const metrics = opts.metrics?.enabled === false ? null : new Metrics(opts.version, opts.metrics?.token);
  app.decorate('bursarMetrics', metrics);
  if (metrics) {
    app.addHook('onResponse', metrics.onResponse);
  }

  await app.register(fastifySwagger, openapiOptions({ version: opts.version, publicUrl: () => opts.deps.config.publicUrl }));
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  app.setNotFoundHandler(await registerDashboard(app, opts.dashboardDir ?? defaultDashboardDir));

  for (const m of routeModules) m.register(app, opts.deps);

  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'none' } }, async () => app.swagger());
  return app;
}

/** The path of the first string holding a NUL character in `value` ('' for `value` itself), if any. */
function nulAt(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    const field = nulAt(item, path === '' ? key : `${path}.${key}`);
    if (field !== undefined) return field;
  }
  return undefined;
}

function nulError(field: string): BursarError {
  return new BursarError('invalid_request', `${field} must not contain control characters (here a NUL, \\u0000)`, { field });
}
