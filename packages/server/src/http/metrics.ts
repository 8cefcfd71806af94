import { createHash, timingSafeEqual } from 'node:crypto';
import { spendStatus } from '@bursar/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** How /metrics is served: off (a 404), open like /healthz, or behind a bearer token. */
export interface MetricsOptions {
  enabled: boolean;
  /** When set, a scrape must send `Authorization: Bearer <token>`. */
  token?: string | undefined;
}

/** The Prometheus text exposition format, version 0.0.4. */
export const METRICS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;

/** A route that matched nothing (404s, the dashboard's deep links): one label, never the raw URL. */
const UNMATCHED = 'unmatched';

const SPEND_OUTCOMES: ReadonlySet<string> = new Set(spendStatus.options);

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest();

declare module 'fastify' {
  interface FastifyInstance {
    /** This app's metrics; null when BURSAR_METRICS is off. */
    bursarMetrics: Metrics | null;
  }
}

/**
 * One server's metrics, in a registry of its own (several servers may share a process, as they
 * do in the tests). Labels are aggregate only: method, route pattern, status and outcome, never
 * a tenant, an id, a merchant, a key or an amount.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'method' | 'route' | 'status'>;
  private readonly durations: Histogram<'method' | 'route'>;
  private readonly spendDecisions: Counter<'outcome'>;
  private readonly tokenDigest: Buffer | null;

  constructor(version: string, token?: string) {
    this.tokenDigest = token ? sha256(token) : null;
    collectDefaultMetrics({ register: this.registry, prefix: 'bursar_' });
    const registers = [this.registry];
    new Gauge({ name: 'bursar_build_info', help: 'The running Bursar version (always 1)', labelNames: ['version'], registers }).set({ version }, 1);
    this.requests = new Counter({
      name: 'bursar_http_requests_total',
      help: 'HTTP requests answered, by method, route pattern (unmatched: no route) and status',
      labelNames: ['method', 'route', 'status'],
      registers,
    });
    this.durations = new Histogram({
      name: 'bursar_http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method and route pattern',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.spendDecisions = new Counter({
      name: 'bursar_spend_decisions_total',
      help: 'Spend requests decided through POST /v1/spend-requests (and its alias /v1/spend), by outcome; idempotent replays are not counted again',
      labelNames: ['outcome'],
      registers,
    });
  }

  /** True when the request may read the metrics: no token is configured, or it sent the token. */
  authorized(req: FastifyRequest): boolean {
    if (!this.tokenDigest) return true;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    // Digests of equal length, compared in constant time: neither the token nor its length leaks.
    return match !== null && timingSafeEqual(sha256(match[1]!), this.tokenDigest);
  }

  /** The exposition text. */
  render(): Promise<string> {
    return this.registry.metrics();
  }

  /** onResponse: counts and times every answer under its route's pattern. */
  readonly onResponse = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const route = req.routeOptions.url ?? UNMATCHED;
    this.requests.inc({ method: req.method, route, status: String(reply.statusCode) });
    this.durations.observe({ method: req.method, route }, reply.elapsedTime / 1000);
  };

  /** A spend request decided just now over /v1 (never a replay): counted by its outcome. */
  decided(outcome: string): void {
    if (SPEND_OUTCOMES.has(outcome)) this.spendDecisions.inc({ outcome });
  }
}
