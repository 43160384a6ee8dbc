import { z } from 'zod';

/**
 * Text a client may send. Bounded, well-formed Unicode (a lone surrogate would pass JSON but
 * not PostgreSQL's jsonb), and no control characters (jsonb refuses \u0000 as well).
 * `min = 0` where emptiness is the domain's to judge (a refusal's reason: 422, not 400).
 */
export const text = (max = 500, min = 1) =>
  z
    .string()
    .min(min)
    .max(max)
    .refine((s) => s.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)')
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), 'must not contain control characters');

export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code, e.g. CN, KH');
/**
 * Every date and time a client sends lies in a range that makes sense for this office, so that
 * none can reach PostgreSQL's limits (year 0, year 10000, a window's end beyond `timestamptz`
 * arithmetic): 400 outside it. The domain judges what is plausible within it (422).
 */
export const dateRange = { earliest: '1990-01-01', latest: '2100-12-31' } as const;
const dayWithin = (earliest: string, latest: string) =>
  z.iso.date().refine((day) => day >= earliest && day <= latest, `must lie between ${earliest} and ${latest}`);

/** A business date: statistics windows, warrants, diplomatic notes. */
export const isoDate = dayWithin(dateRange.earliest, dateRange.latest);
/** People are older than the office: a date of birth may go back to 1900. */
export const birthDate = dayWithin('1900-01-01', dateRange.latest);

/** An instant with an offset; the instant itself (in UTC) must lie within the range. */
const earliest = Date.parse(`${dateRange.earliest}T00:00:00Z`);
const latest = Date.parse(`${dateRange.latest}T23:59:59.999Z`);
export const isoDateTime = z.iso
  .datetime({ offset: true })
  .refine(
    (s) => Date.parse(s) >= earliest && Date.parse(s) <= latest,
    `must lie between ${dateRange.earliest} and ${dateRange.latest} UTC`,
  );

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
