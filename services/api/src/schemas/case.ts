import { caseKinds, caseStatuses, caseView, offenceCategories, parties } from '@cco/domain';
import type { RecordedEvent } from '@cco/event-store';
import { z } from 'zod';
import { toDomainEvent } from '@cco/cases';

const step = z.looseObject({}).nullable();

/** The subject as read: after an erasure only the nationality is left, and `erased` says so. */
const subjectView = z.object({
  names: z.array(z.object({ script: z.string(), value: z.string() })),
  nationality: z.string(),
  dateOfBirth: z.string().optional(),
  documents: z.array(z.object({ type: z.string(), number: z.string(), issuingCountry: z.string() })),
  sex: z.string().optional(),
  erased: z.literal(true).optional().describe('The subject’s personal data was erased (crypto-shredded)'),
});
const businessTime = z.string().nullable();

/** GET /v1/cases/{id}: the case folded from its events (docs/api.md), with both times. */
export const caseSchema = z.looseObject({
  id: z.uuid(),
  kind: z.enum(caseKinds),
  status: z.enum(caseStatuses),
  version: z.number().int().describe('Number of events; the ETag'),
  requestingParty: z.enum(parties),
  requestedParty: z.enum(parties),
  subject: subjectView,
  offences: z.array(z.object({ category: z.enum(offenceCategories), description: z.string().optional() })),
  warrant: z.object({ reference: z.string(), issuedBy: z.string(), issuedOn: z.string() }).nullable(),
  lastKnownLocation: z.object({ province: z.string(), district: z.string().optional(), details: z.string().optional() }).nullable(),
  dualCriminality: z
    .object({ requestingMaxPenaltyMonths: z.number(), requestedMaxPenaltyMonths: z.number() })
    .nullable()
    .describe('Extradition'),
  diplomaticNote: z.object({ reference: z.string(), date: z.string() }).nullable().describe('Extradition'),
  verificationDueBy: z.string().nullable().describe('Victim repatriation: 30 days after the request was received'),
  verifiedWithinDeadline: z.boolean().nullable().describe('Victim repatriation: null until verified'),
  verification: step,
  handover: step,
  completion: step,
  erasure: z
    .object({
      reason: z.string().nullable().describe('Free text of a victim’s case: erased with the personal data (null from then on)'),
      requestedAt: z.string(),
      erasedAt: z.string().nullable(),
    })
    .nullable()
    .describe('Victims: erasure of the personal data'),
  refusal: step,
  withdrawal: step,
  filedAt: z.string(),
  verifiedAt: businessTime,
  handedOverAt: businessTime,
  completedAt: businessTime,
  refusedAt: businessTime,
  withdrawnAt: businessTime,
  createdAt: z.string().describe('Record time of the filing'),
  updatedAt: z.string().describe('Record time of the latest event'),
});
export type CaseBody = z.infer<typeof caseSchema>;

export function caseBody(caseId: string, events: RecordedEvent[]): CaseBody {
  const view = caseView(caseId, events.map(toDomainEvent));
  if (!view || events.length === 0) throw new Error(`case ${caseId} has no filing`);
  return {
    ...view,
    version: events.length,
    createdAt: events[0]!.recordedAt.toISOString(),
    updatedAt: events[events.length - 1]!.recordedAt.toISOString(),
  } as CaseBody;
}
