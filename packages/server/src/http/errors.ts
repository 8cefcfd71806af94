import { BursarError, type ErrorCode } from '@bursar/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * True for the policy-evaluation dialect (`/api/v1`): camelCase, x-api-key, `{"error": "message"}`.
 * A route declares it (`config.dialect`); a request no route matched (a 404, a malformed URL) is
 * answered in the dialect its URL names.
 */
export function isPolicyApi(req: FastifyRequest): boolean {
  if (req.routeOptions?.url !== undefined) return req.routeOptions.config?.dialect === 'api-v1';
  return req.url === '/api/v1' || req.url.startsWith('/api/v1/') || req.url.startsWith('/api/v1?');
}

/**
 * Writes the error envelope of the request's dialect: `{"error": {code, message, request_id, …}}`
 * on /v1, `{"error": "message"}` on /api/v1 (the request id is in the request-id header).
 */
export function sendError(reply: FastifyReply, req: FastifyRequest, code: ErrorCode, status: number, message: string, extra: Record<string, unknown> = {}) {
  if (isPolicyApi(req)) return reply.code(status).send({ error: message });
  return reply.code(status).send({ error: { code, message, request_id: req.id, ...extra } });
}

interface ZodIssueLike {
  instancePath: string;
  message: string;
  keyword: string;
  params?: { keys?: string[] };
}

function describeValidation(context: string | undefined, issues: ZodIssueLike[]) {
  const first = issues[0]!;
  let path = first.instancePath.replace(/^\//, '').replace(/\//g, '.');
  if (first.keyword === 'unrecognized_keys' && first.params?.keys?.length) {
    const key = first.params.keys[0]!;
    return { field: path ? `${path}.${key}` : key, message: `${path ? `${path}.` : ''}${key}: unknown field` };
  }
  if (!path) path = context === 'body' || context === undefined ? 'body' : context;
  let message = first.message;
  if (/received undefined/.test(message)) message = 'is required';
  return { field: path, message: `${path}: ${message}` };
}

/** Fastify's own errors, each as the envelope says it (the status is the error's own). */
const fastifyCodes: Record<string, { code: ErrorCode; message: string; field?: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid_request', message: 'Malformed JSON in the request body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'invalid_request', message: 'The request body is empty' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload_too_large', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'invalid_request', message: 'Content-Length does not match the body' },
  FST_ERR_BAD_URL: { code: 'invalid_request', message: 'The URL path is not valid (malformed percent-encoding)', field: 'path' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid_request', message: 'A path parameter is too long', field: 'path' },
};

/**
 * Errors Fastify's router raises before a route is found (`frameworkErrors`: a malformed
 * percent-encoding, a path parameter longer than the router accepts) go through the same
 * handler as every other error; only the request-id header, which onRequest would have set, is
 * set here.
 */
export function routerError(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  reply.header('request-id', req.id);
  return errorHandler(error, req, reply);
}

/**
 * Errors that mean "the database cannot answer right now" rather than "the request was wrong":
 * a statement or lock timeout, a server going away (failover), a busy or full SQLite file.
 * Nothing was committed, so the client may retry with the same Idempotency-Key.
 */
function databaseUnavailable(err: { code?: string; message?: string }): string | null {
  switch (err.code) {
    case '57014': // query_canceled (statement_timeout)
    case '55P03': // lock_not_available
    case '40P01': // deadlock_detected
      return 'The database took too long to answer; nothing was changed. Retry with the same Idempotency-Key';
    case '57P01': // admin_shutdown
    case '57P02':
    case '57P03': // cannot_connect_now
    case '08006':
    case '08001':
    case '08003':
    case 'ECONNREFUSED':
    case 'ECONNRESET':
      return 'The database is unavailable; nothing was changed. Retry with the same Idempotency-Key';
    case 'SQLITE_BUSY':
    case 'SQLITE_FULL':
    case 'SQLITE_IOERR':
      return 'The database could not write; nothing was changed. Retry with the same Idempotency-Key';
    default:
      return /Connection terminated|timeout exceeded when trying to connect/.test(err.message ?? '')
        ? 'The database is unavailable; nothing was changed. Retry with the same Idempotency-Key'
        : null;
  }
}

/** The one error handler: typed errors, validation, parser errors, and anything else as a 500 that leaks nothing. */
export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof BursarError) {
    return sendError(reply, req, err.code, err.status, err.message, err.details);
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const { field, message } = describeValidation(err.validationContext, err.validation as unknown as ZodIssueLike[]);
    return sendError(reply, req, 'invalid_request', 400, message, { field });
  }
  const unavailable = databaseUnavailable(err);
  if (unavailable) {
    req.log.warn({ err }, 'database unavailable');
    reply.header('Retry-After', '1');
    return sendError(reply, req, 'service_unavailable', 503, unavailable);
  }
  const known = err.code ? fastifyCodes[err.code] : undefined;
  if (known) return sendError(reply, req, known.code, err.statusCode ?? 400, known.message, known.field ? { field: known.field } : {});
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    return sendError(reply, req, 'invalid_request', 400, err.message);
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, req, 'internal_error', 500, 'Something went wrong on our side; the request id identifies it in the logs');
}

export function notFoundHandler(req: FastifyRequest, reply: FastifyReply) {
  return sendError(reply, req, 'not_found', 404, `No route for ${req.method} ${req.url.split('?')[0]}`);
}
