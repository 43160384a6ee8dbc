import type { CaseEventType } from '@cco/domain';

// What cooperation.analytics.v1 carries, field by field: an ALLOW-list, never a deny-list, so a
// field added to an event later stays off the topic until someone decides here that it may go.
// Paths are into the event as read; `name[]` walks an array. Left out on purpose: names,
// documents, dates of birth, sex (the subject); free text (offence descriptions, notes,
// reasons); officers (metadata.actor, receivingOfficers); warrants and diplomatic notes (their
// references lead to a person); places below the province (district, details, handover place,
// flight). The case id (streamId) stays: it is a random UUID that analysts cannot resolve (the
// analyst role reads no case), and consumers need it to keep per-case order and durations.

/** Every analytics message, whatever its type. */
export const analyticsEnvelope = [
  'id',
  'streamId',
  'type',
  'version',
  'position',
  'schemaVersion',
  'occurredAt',
  'recordedAt',
  'metadata.party',
] as const;

/**
 * Each type's data. The paths hold in every stored version of a type (a sealed filing keeps the
 * nationality in clear beside its sealed personal part), and a field a new version adds is not
 * named here, so it stays off the topic until it is.
 */
export const analyticsAllowList: Record<CaseEventType, readonly string[]> = {
  RequestFiled: [
    'data.kind',
    'data.requestingParty',
    'data.requestedParty',
    'data.subject.nationality',
    'data.offences[].category',
    'data.lastKnownLocation.province',
    'data.dualCriminality.requestingMaxPenaltyMonths',
    'data.dualCriminality.requestedMaxPenaltyMonths',
    'data.verificationDueBy',
  ],
  IdentityVerified: [
    'data.nationalityConfirmed',
    'data.identityConfirmed',
    'data.confirmedNationality',
    'data.documentsSufficient',
    'data.withinDeadline',
    'data.mandatoryGrounds.politicalOffence',
    'data.mandatoryGrounds.persecution',
    'data.mandatoryGrounds.militaryOffence',
    'data.mandatoryGrounds.finalJudgment',
  ],
  SuspectHandedOver: ['data.namesNotifiedAt'],
  DeportationCompleted: [],
  ExtraditionCompleted: [],
  RepatriationCompleted: [],
  RequestRefused: ['data.ground'],
  RequestWithdrawn: [],
  // That a victim's data was erased, but not why (the reason is free text).
  ErasureRequested: [],
  PersonalDataErased: [],
};
