import { z } from 'zod';

// The field shapes every way into the log shares: the API's command bodies and the back-fill's
// event data are built from these, so what one accepts the other accepts, no more.

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

/**
 * C0 and C1 controls (TAB, LF and CR included) and the bidirectional formatting characters
 * (Trojan Source, CVE-2021-42574): none belongs in a one-line identifier that ends up in logs,
 * the access log and an operator's terminal, where each could forge or hide a line.
 */
export const lineBreakingOrBidi = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A one-line identifier (a token's `sub`, an operator's name): `text` without TAB, LF, CR, C1 or bidi controls. */
export const identifier = (max = 200) =>
  text(max).refine((s) => !lineBreakingOrBidi.test(s), 'must not contain control characters (TAB, LF, CR included) or bidi controls');

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
