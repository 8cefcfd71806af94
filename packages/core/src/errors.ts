/** Every error code Bursar answers with, and the HTTP status each one maps to. */
export const codeToStatus = {
  invalid_request: 400,
  invalid_api_key: 401,
  revoked_api_key: 401,
  invalid_execution_token: 401,
  execution_token_expired: 401,
  execution_token_replayed: 401,
  funding_source_budget_exceeded: 402,
  plan_spend_volume_exceeded: 402,
  forbidden: 403,
  execution_token_audience_mismatch: 403,
  execution_token_action_mismatch: 403,
  agent_revoked: 403,
  agent_paused: 403,
  mandate_revoked: 403,
  mandate_expired: 403,
  mandate_exhausted: 403,
  mandate_violation: 403,
  not_found: 404,
  method_not_allowed: 405,
  idempotency_key_in_use: 409,
  budget_exceeded: 409,
  already_approved_by_you: 409,
  invalid_state: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_key_reused: 422,
  rate_limited: 429,
  internal_error: 500,
  service_unavailable: 503,
} as const;

/** The closed set of error codes. */
export type ErrorCode = keyof typeof codeToStatus;

export const errorCodes = Object.keys(codeToStatus) as ErrorCode[];

/** The native error envelope: `{"error": {code, message, request_id, ...}}`. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    request_id?: string;
    field?: string;
    [extra: string]: unknown;
  };
}

/** A typed error a service throws; each surface maps it to its own shape. */
export class BursarError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'BursarError';
    this.code = code;
    this.status = codeToStatus[code];
    this.details = details;
  }
}

/** Bad input; `field` names the offending field (dotted path). */
export class InvalidRequestError extends BursarError {
  /**
   * What is wrong with the field when the message is "<field> <predicate>" (see `about`), so a
   * surface that spells the field differently can say it in its own words.
   */
  predicate?: string;

  constructor(message: string, field?: string) {
    super('invalid_request', message, field === undefined ? {} : { field });
  }

  /** Bad input whose message is about `field`: "currency must be 'usd', …". */
  static about(field: string, predicate: string): InvalidRequestError {
    const err = new InvalidRequestError(`${field} ${predicate}`, field);
    err.predicate = predicate;
    return err;
  }
}

export class NotFoundError extends BursarError {
  constructor(kind: string, id: string) {
    super('not_found', `No such ${kind}: '${id}'`);
  }
}

export class ForbiddenError extends BursarError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/** A state transition that the object's current status does not allow. */
export class InvalidStateError extends BursarError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('invalid_state', message, details);
  }
}
