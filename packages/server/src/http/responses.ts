import type { z } from 'zod';
import { errorResponse } from '@bursar/core';

/** A route's success schema plus the error envelope every route may answer with. */
export function responses<T extends Record<number, z.ZodType>>(ok: T) {
  return { ...ok, '4xx': errorResponse, '5xx': errorResponse };
}

export const bearerAuth = [{ bearerAuth: [] }];
