import { z } from 'zod';
import { requiredOr } from '../money.js';

/** ISO 8601 timestamp string. */
export const timestamp = z.string().describe('ISO 8601 timestamp (UTC)');

/** The list envelope every list endpoint answers with. */
export function listOf<T extends z.ZodType>(item: T) {
  return z.object({
    data: z.array(item),
    has_more: z.boolean(),
    next_cursor: z.string().nullable(),
  });
}

/** `limit` and `cursor` query parameters shared by every list. */
export const pageQuery = z.object({
  limit: z.coerce
    .number({ error: 'must be an integer between 1 and 100' })
    .int({ error: 'must be an integer between 1 and 100' })
    .min(1, { error: 'must be an integer between 1 and 100' })
    .max(100, { error: 'must be an integer between 1 and 100' })
    .default(20),
  // Cursors are ids (`next_cursor` is the last row's): anything else would page from nowhere.
  cursor: z
    .string()
    .regex(/^[a-z]{2,5}_[0-9a-z]{26}$/, { error: 'must be the next_cursor of an earlier page' })
    .optional()
    .describe('next_cursor of the previous page'),
});

/** An ISO 8601 timestamp as input (with a zone or Z). */
export const isoTime = z.iso.datetime({ offset: true, error: 'must be an ISO 8601 timestamp' });

/** Time filters on lists, as ISO 8601 timestamps. */
export const createdRangeQuery = z.object({
  created_after: isoTime.optional(),
  created_before: isoTime.optional(),
});

export const idParam = z.object({ id: z.string().min(1).max(64) });

/** The native error envelope, for OpenAPI. */
export const errorResponse = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    request_id: z.string().optional(),
    field: z.string().optional(),
  }).catchall(z.unknown()),
});

// C0 controls and DEL, except tab, line feed and carriage return (a reason may span lines).
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** A short free-text string that must not be blank. */
export function text(max: number) {
  return z
    .string({ error: requiredOr('must be a string') })
    .trim()
    .min(1, { error: 'must not be empty' })
    .max(max, { error: `must be at most ${max} characters` })
    // A NUL or other control character hides in logs and the dashboard and splits one merchant in two.
    .refine((v) => !CONTROL_CHARACTERS.test(v), { error: 'must not contain control characters' });
}

/** Free-form metadata: up to 50 string keys with short string, number or boolean values. */
export const metadata = z
  .record(z.string().max(40), z.union([z.string().max(500), z.number(), z.boolean(), z.null()]))
  .refine((m) => Object.keys(m).length <= 50, { error: 'at most 50 keys' });
