import { BursarError, errorResponse } from '@bursar/core';
import { z } from 'zod';
import { METRICS_CONTENT_TYPE } from '../metrics.js';
import type { App, Deps } from '../types.js';

/**
 * Prometheus metrics. Public like /healthz (scrapers carry no API key) unless BURSAR_METRICS_TOKEN
 * asks for a bearer token; BURSAR_METRICS=off answers 404 as if the route did not exist.
 */
export function register(app: App, _deps: Deps) {
  app.route({
    method: 'GET',
    url: '/metrics',
    config: { auth: 'none' },
    schema: {
      tags: ['Operations'],
      summary: 'Prometheus metrics',
      description:
        'Process and Node.js metrics, HTTP requests by method, route pattern and status, request durations, spend decisions by outcome, and the build version, in the Prometheus text format. Aggregate only: no tenant, id, merchant, key or amount. Open unless the server sets BURSAR_METRICS_TOKEN (then send it as Authorization: Bearer <token>); absent when BURSAR_METRICS=off.',
      response: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { [METRICS_CONTENT_TYPE]: { schema: z.string() } } },
        '4xx': errorResponse,
      },
    },
    handler: async (req, reply) => {
      const metrics = req.server.bursarMetrics;
      if (!metrics) return reply.callNotFound();
      if (!metrics.authorized(req)) {
        reply.header('www-authenticate', 'Bearer realm="metrics"');
        throw new BursarError('invalid_api_key', 'Metrics need the scrape token: send it as Authorization: Bearer <BURSAR_METRICS_TOKEN>');
      }
      reply.header('cache-control', 'no-store');
      return reply.type(METRICS_CONTENT_TYPE).send(await metrics.render());
    },
  });
}
