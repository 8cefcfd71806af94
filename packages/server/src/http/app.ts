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
    try {
      done(null, JSON.parse(text));
    } catch {
      done(new BursarError('invalid_request', 'Malformed JSON in the request body', { field: 'body' }), undefined);
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
