import { caseKinds, documentTypes, nameScripts, offenceCategories, refusalGrounds, sexes } from '@cco/domain';
import { z } from 'zod';
import { birthDate, countryCode, isoDate, isoDateTime, text } from './fields';

// The API's command bodies (the routes' zod schemas, and so openapi/), kept beside the stored
// form so that the back-fill's event data is derived from them (eventData.ts), not written twice.
// Shapes only. Whether a shape is acceptable under the treaties (a warrant present, dual
// criminality, a refusal's reason...) is the deciders' call, answered with 422, so such
// fields are optional here.

const occurredAt = isoDateTime.optional().describe('Business time (ISO 8601); defaults to now');

export const subjectSchema = z.strictObject({
  names: z
    .array(z.strictObject({ script: z.enum(nameScripts), value: text(200) }))
    .min(1)
    .max(10),
  nationality: countryCode,
  dateOfBirth: birthDate.optional(),
  documents: z
    .array(z.strictObject({ type: z.enum(documentTypes), number: text(50), issuingCountry: countryCode }))
    .max(10)
    .default([]),
  sex: z.enum(sexes).optional(),
});

const filingBase = {
  occurredAt,
  subject: subjectSchema,
  offences: z
    .array(z.strictObject({ category: z.enum(offenceCategories), description: text(2000).optional() }))
    .max(20)
    .optional(),
  warrant: z.strictObject({ reference: text(100, 0), issuedBy: text(200), issuedOn: isoDate }).optional(),
  lastKnownLocation: z.strictObject({ province: text(100), district: text(100).optional(), details: text(500).optional() }).optional(),
};

/** Each kind's filing body, for the API's union and for the stored RequestFiled of that kind. */
export const filingBodies = {
  deportation: z.strictObject({ kind: z.literal('deportation'), ...filingBase }),
  extradition: z.strictObject({
    kind: z.literal('extradition'),
    ...filingBase,
    dualCriminality: z
      .strictObject({
        requestingMaxPenaltyMonths: z.number().int().min(0).max(1200),
        requestedMaxPenaltyMonths: z.number().int().min(0).max(1200),
      })
      .optional()
      .describe('Maximum penalty for the offence in each country, in months (life: 1200)'),
    diplomaticNote: z.strictObject({ reference: text(100), date: isoDate }).optional(),
  }),
  victim_repatriation: z.strictObject({ kind: z.literal('victim_repatriation'), ...filingBase }),
};

export const fileRequestBody = z.discriminatedUnion('kind', [
  filingBodies.deportation,
  filingBodies.extradition,
  filingBodies.victim_repatriation,
]);
export type FileRequestBody = z.infer<typeof fileRequestBody>;
export const caseKindSchema = z.enum(caseKinds);

export const verificationBody = z.strictObject({
  occurredAt,
  nationalityConfirmed: z.boolean(),
  identityConfirmed: z.boolean().optional(),
  confirmedNationality: countryCode,
  documentsSufficient: z.boolean().optional(),
  notes: text(2000).optional(),
  mandatoryGrounds: z
    .strictObject({ politicalOffence: z.boolean(), persecution: z.boolean(), militaryOffence: z.boolean(), finalJudgment: z.boolean() })
    .optional()
    .describe('Extradition: the requested party’s assessment of the 1992 treaty’s mandatory refusal grounds'),
});

export const handoverBody = z.strictObject({
  occurredAt,
  place: text(200),
  receivingOfficers: z.array(text(200)).min(1).max(20),
  flight: text(20).optional(),
  namesNotifiedAt: isoDateTime.optional().describe('Victim repatriation: when the names were notified in advance'),
});

export const completionBody = z.strictObject({ occurredAt, notes: text(2000).optional() });
export const refusalBody = z.strictObject({ occurredAt, ground: z.enum(refusalGrounds), reason: text(4000, 0).optional() });
export const withdrawalBody = z.strictObject({ occurredAt, reason: text(4000, 0).optional() });

export const erasureRequestBody = z.strictObject({ occurredAt, reason: text(4000, 0).optional() });
export const erasureConfirmationBody = z.strictObject({ occurredAt });
