import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFoundHandler, sendError } from './errors.js';
import type { App } from './types.js';

/**
 * The built dashboard: apps/dashboard/dist in a checkout (the same depth from src/http and
 * dist/http), else the copy the installed `@bursar/cli` package carries in dist/dashboard/.
 */
export const defaultDashboardDir = findDashboardDir();

function findDashboardDir(): string {
  const checkout = fileURLToPath(new URL('../../../../apps/dashboard/dist/', import.meta.url));
  if (existsSync(join(checkout, 'index.html'))) return checkout;
  try {
    // Found by package name, not by path: npm may install the CLI beside the server or above it.
    const cli = createRequire(import.meta.url).resolve('@bursar/cli/package.json');
    const bundled = join(dirname(cli), 'dist', 'dashboard');
    if (existsSync(join(bundled, 'index.html'))) return bundled;
  } catch {
    // The server without the CLI (a library install): no dashboard, and `/` says how to build one.
  }
  return checkout;
}

/** Headers on every page of the app: no inline script, no framing, no referrer leaking ids. */
const pageHeaders: Record<string, string> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; " +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** Paths that belong to the API and never fall back to the app. */
const API_PREFIXES = ['/v1', '/api/', '/docs', '/mcp', '/.well-known/', '/openapi.json', '/healthz', '/readyz', '/metrics', '/assets/'];

function isAppPath(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const path = req.url.split('?')[0]!;
  if (API_PREFIXES.some((p) => path === p || path.startsWith(p.endsWith('/') ? p : `${p}/`) || path === p.replace(/\/$/, ''))) return false;
  // A file name (with an extension) that is not there is a 404, not the app.
  if (/\.[A-Za-z0-9]+$/.test(path)) return false;
  return (req.headers.accept ?? '').includes('text/html');
}

/**
 * Serves the built dashboard at `/`: its assets under /assets/, and index.html for `/` and for
 * any other page a browser opens (`/approvals?spend_request_id=…`, the approval_url), so deep
 * links work. Unknown API paths keep their JSON 404.
 */
export async function registerDashboard(app: App, dir: string): Promise<(req: FastifyRequest, reply: FastifyReply) => unknown> {
  const indexFile = join(dir, 'index.html');
  const sendIndex = (req: FastifyRequest, reply: FastifyReply) => {
    if (!existsSync(indexFile)) {
      return sendError(reply, req, 'not_found', 404, 'The dashboard is not built: run `npm run build` in the repository, then restart the server');
    }
    reply.headers({ ...pageHeaders, 'cache-control': 'no-store' });
    return reply.type('text/html; charset=utf-8').send(readFileSync(indexFile));
  };
  if (existsSync(join(dir, 'assets'))) {
    await app.register(fastifyStatic, {
      root: join(dir, 'assets'),
      prefix: '/assets/',
      // Vite names assets by content hash: cache them for good.
      maxAge: '365d',
      immutable: true,
      // The build writes .br and .gz beside each asset: sent to browsers that accept them.
      preCompressed: true,
      // Source maps stay on the server's disk: the bundle's source is not published.
      allowedPath: (path) => !path.endsWith('.map'),
      setHeaders: (res) => {
        for (const [k, v] of Object.entries(pageHeaders)) res.header(k, v);
      },
    });
  }
  app.route({ method: 'GET', url: '/', schema: { hide: true }, config: { auth: 'none' }, handler: sendIndex });
  return (req, reply) => (isAppPath(req) ? sendIndex(req, reply) : notFoundHandler(req, reply));
}
