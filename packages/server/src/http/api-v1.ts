import type { z } from 'zod';
import { apiV1Error } from '@bursar/core';

/**
 * A /api/v1 route's success schemas plus its `{"error": "message"}` envelope. The key goes in
 * x-api-key (`apiKeyAuth` in the OpenAPI document); `Authorization: Bearer` works too.
 */
export function apiResponses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, '4xx': apiV1Error, '5xx': apiV1Error };
}

export const policyApiTag = ['Policy evaluation API (/api/v1)'];
