import type { FastifyReply, FastifyRequest } from 'fastify';

/** On every response unless the route set its own (the dashboard's pages set a richer policy). */
const always: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** On JSON answers: nothing in them is ever a page, a script or a frame. */
const json: Record<string, string> = {
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};

/**
 * Security headers on API responses too, not only on the dashboard: nosniff, no referrer, no
 * framing, a deny-all CSP on JSON, no caching of anything a credential fetched, and HSTS when
 * the public URL is https.
 */
export function securityHeaders(publicUrl: () => string) {
  return async (req: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const set = (headers: Record<string, string>) => {
      for (const [k, v] of Object.entries(headers)) if (reply.getHeader(k) === undefined) reply.header(k, v);
    };
    set(always);
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) set(json);
    if (req.headers.authorization || req.headers['x-api-key'] || req.headers.cookie) set({ 'cache-control': 'no-store' });
    if (publicUrl().startsWith('https://')) set({ 'strict-transport-security': 'max-age=31536000; includeSubDomains' });
    return payload;
  };
}
