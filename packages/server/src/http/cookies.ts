import type { FastifyReply, FastifyRequest } from 'fastify';

/** The dashboard's session cookie: httpOnly, SameSite=Strict, never readable by the page's scripts. */
export const SESSION_COOKIE = 'bursar_session';
/** The header that must repeat the session's CSRF token on every state-changing request made with the cookie. */
export const CSRF_HEADER = 'x-csrf-token';

/** One cookie from the Cookie header, or undefined. */
export function readCookie(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

/**
 * Sets (or, with maxAgeSeconds 0, clears) the session cookie; Secure when the request came over
 * HTTPS or the server's public URL is https (behind a TLS-terminating proxy the request itself
 * arrives over plain HTTP).
 */
export function writeSessionCookie(req: FastifyRequest, reply: FastifyReply, value: string, maxAgeSeconds: number, publicUrl: string): void {
  const attrs = [`${SESSION_COOKIE}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (req.protocol === 'https' || publicUrl.startsWith('https:')) attrs.push('Secure');
  reply.header('set-cookie', attrs.join('; '));
}
