import type { ErrorCode } from '@bursar/core';

/** Any error code the API answers with, plus the SDK's own `network_error` and `timeout`. */
export type ApiErrorCode = ErrorCode | 'network_error' | 'timeout' | 'http_error';

/** An error answered by the Bursar API (or a failure to reach it); `code` is the discriminant. */
export class BursarApiError extends Error {
  readonly code: ApiErrorCode;
  /** HTTP status; 0 when the server could not be reached. */
  readonly status: number;
  readonly requestId: string | undefined;
  /** The `field` an `invalid_request` names, when it names one. */
  readonly field: string | undefined;
  /** The whole `error` object of the envelope. */
  readonly body: Record<string, unknown>;

  constructor(code: ApiErrorCode, status: number, message: string, body: Record<string, unknown> = {}, requestId?: string) {
    super(message);
    this.name = 'BursarApiError';
    this.code = code;
    this.status = status;
    this.body = body;
    this.requestId = requestId ?? (typeof body.request_id === 'string' ? body.request_id : undefined);
    this.field = typeof body.field === 'string' ? body.field : undefined;
  }
}

/** 400 `invalid_request`: the input is wrong; `field` names what to correct. */
export class InvalidRequestApiError extends BursarApiError {
  override readonly name = 'InvalidRequestApiError';
}
/** 401 `invalid_api_key` / `revoked_api_key`. */
export class AuthenticationError extends BursarApiError {
  override readonly name = 'AuthenticationError';
}
/** 402 `funding_source_budget_exceeded` / `plan_spend_volume_exceeded`. */
export class FundingError extends BursarApiError {
  override readonly name = 'FundingError';
}
/** 403 `forbidden`. */
export class PermissionError extends BursarApiError {
  override readonly name = 'PermissionError';
}
/** 404 `not_found`. */
export class NotFoundApiError extends BursarApiError {
  override readonly name = 'NotFoundApiError';
}
/** 409 `idempotency_key_in_use`, `budget_exceeded`, `invalid_state`; 422 `idempotency_key_reused`. */
export class ConflictError extends BursarApiError {
  override readonly name = 'ConflictError';
}
/** 429 `rate_limited`; `retryAfterSeconds` from the Retry-After header. */
export class RateLimitError extends BursarApiError {
  override readonly name = 'RateLimitError';
  retryAfterSeconds: number | undefined;
}
/** 5xx, or the server could not be reached (`network_error`, status 0). */
export class ServerError extends BursarApiError {
  override readonly name = 'ServerError';
}

/** Builds the typed error for an error response. */
export function errorFor(status: number, body: unknown, requestId: string | undefined, retryAfter?: string | null): BursarApiError {
  const envelope = (body && typeof body === 'object' && 'error' in body ? (body as { error: unknown }).error : undefined) as
    | Record<string, unknown>
    | string
    | undefined;
  const obj: Record<string, unknown> = typeof envelope === 'object' && envelope !== null ? envelope : {};
  const code = (typeof obj.code === 'string' ? obj.code : 'http_error') as ApiErrorCode;
  const message = typeof obj.message === 'string' ? obj.message : typeof envelope === 'string' ? envelope : `HTTP ${status}`;
  const args = [code, status, message, obj, requestId] as const;
  if (status === 400 || status === 413 || status === 415) return new InvalidRequestApiError(...args);
  if (status === 401) return new AuthenticationError(...args);
  if (status === 402) return new FundingError(...args);
  if (status === 403) return new PermissionError(...args);
  if (status === 404) return new NotFoundApiError(...args);
  if (status === 409 || status === 422) return new ConflictError(...args);
  if (status === 429) {
    const e = new RateLimitError(...args);
    const s = retryAfter == null ? NaN : Number(retryAfter);
    e.retryAfterSeconds = Number.isFinite(s) ? s : undefined;
    return e;
  }
  if (status >= 500) return new ServerError(...args);
  return new BursarApiError(...args);
}
