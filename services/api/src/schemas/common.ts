import { z } from 'zod';

// The field shapes live with the stored form (@cco/cases), so the back-fill of
// `npm run import` checks events with exactly what the API accepts.
export { birthDate, countryCode, dateRange, identifier, isoDate, isoDateTime, text } from '@cco/cases';

/** PostgreSQL's int8 maximum: a larger decimal in a query is a 400, not a database error. */
export const int8Max = 9223372036854775807n;
/** Runs beside the format check, not after it (zod reports both): anything not decimal is left to that check. */
export const withinInt8 = (decimal: string) => !/^\d+$/.test(decimal) || BigInt(decimal) <= int8Max;

/** A case id; UUIDs are case-insensitive (RFC 9562), stored lowercase. */
export const caseId = z.uuid().transform((id) => id.toLowerCase());
export const caseIdParams = z.strictObject({ id: caseId });

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
