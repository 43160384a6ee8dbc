import { z } from 'zod';

/**
 * Text a client may send. Bounded, well-formed Unicode (a lone surrogate would pass JSON but
 * not PostgreSQL's jsonb), and no control characters (jsonb refuses \u0000 as well).
 */
export const text = (max = 500) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. CN, KH');
export const isoDate = z.iso.date();
export const isoDateTime = z.iso.datetime({ offset: true });

export const caseIdParams = z.strictObject({ id: z.uuid() });

export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    rule: z.string().optional().describe('The domain rule that rejected the command'),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .describe('application/problem+json (RFC 9457)');

/** The problem responses a route can give, for its schema (and so for openapi/). */
export function problems<const S extends readonly number[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((s) => [s, problemSchema])) as { [K in S[number]]: typeof problemSchema };
}

export const ifMatchHeader = z
  .string()
  .max(100)
  .optional()
  .describe('"<version>" of the case this command was decided on; 412 when the case has moved on');
export const idempotencyKeyHeader = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/, 'printable ASCII')
  .optional()
  .describe('A retry with the same key returns the first answer and appends nothing');
