import { z } from 'zod';
import { errorResponse } from '@bursar/core';

/** A route's success schema plus the error envelope every route may answer with. */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, '4xx': errorResponse, '5xx': errorResponse };
}

export const bearerAuth = [{ bearerAuth: [] }];
/** The /api/v1 dialect: the key in x-api-key, as the reference sends it, or as a Bearer token. */
export const apiKeyAuth: Array<Record<string, string[]>> = [{ apiKeyAuth: [] }, { bearerAuth: [] }];

/**
 * The body of an action that takes none (pause, freeze, rotate): nothing, `null` or `{}`. Anything
 * else is a 400 on `body`, so a malformed call never changes state.
 */
export const noBody = z.object({}).strict().nullish();

/**
 * The Idempotency-Key header of a POST that moves money or makes something, for the OpenAPI
 * document; runIdempotent checks and applies it. Other headers pass through untouched.
 */
export const idempotencyHeaders = z.looseObject({
  'idempotency-key': z
    .string()
    .optional()
    .describe('1 to 255 characters, one per logical intent, reused on every retry: the same key and body replay the stored answer (Idempotent-Replayed: true), another body is a 422, a key still in flight a 409. Kept 24 h by default (BURSAR_IDEMPOTENCY_TTL_SECONDS).'),
});
