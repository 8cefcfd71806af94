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
