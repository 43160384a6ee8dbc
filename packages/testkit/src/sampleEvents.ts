import { randomUUID } from 'node:crypto';
import type { CaseEventType } from '@cco/domain';
import type { RecordedEvent } from '@cco/event-store';
import { dateOfBirth, deportationFiling, handover, passportNumber, subjectName, subjectNameHans, verification } from './fixtures';

// Events as the store holds them, with every personal field filled in, for the allow-list and
// relay tests. Each value below must never reach the analytics topic.

export const officerId = 'kh-officer-SOK-Dara';
const { reference, issuedBy, issuedOn } = deportationFiling.warrant;
export const personal = {
  names: [subjectName, subjectNameHans, 'ចាង វ៉ី'],
  passport: passportNumber,
  nationalId: '440106199004120012',
  dateOfBirth,
  offenceDescription: deportationFiling.offences[0].description,
  warrant: [reference, issuedBy, issuedOn],
  diplomaticNote: 'MFA-CN-2019-117',
  district: 'Mittapheap',
  locationDetails: 'Room 1207, Golden Sands tower, Ochheuteal beach road',
  officers: [officerId, ...handover.receivingOfficers, 'Inspector LI Ming'],
  place: handover.place,
  flight: 'CZ3210',
  notes: 'subject identified by his sister, phone 012 345 678',
  reasons: ['the subject holds a Cambodian residence card issued in Kampot', 'complainant withdrew after mediation'],
};
export const personalValues: string[] = Object.values(personal).flat();

const subject = {
  names: [...deportationFiling.subject.names, { script: 'Khmr', value: personal.names[2] }],
  nationality: 'CN',
  dateOfBirth,
  sex: 'M',
  documents: [...deportationFiling.subject.documents, { type: 'national_id', number: personal.nationalId, issuingCountry: 'CN' }],
};
const filed = {
  ...deportationFiling,
  subject,
  lastKnownLocation: { province: 'Preah Sihanouk', district: personal.district, details: personal.locationDetails },
  requestingParty: 'CN',
  requestedParty: 'KH',
};

/** Realistic `data` per type; a filing in each kind so that every allow-listed path occurs. */
export const sampleData: Record<CaseEventType, Record<string, unknown>[]> = {
  RequestFiled: [
    filed,
    {
      ...filed,
      kind: 'extradition',
      dualCriminality: { requestingMaxPenaltyMonths: 120, requestedMaxPenaltyMonths: 60 },
      diplomaticNote: { reference: personal.diplomaticNote, date: '2019-03-05' },
    },
    { kind: 'victim_repatriation', subject, requestingParty: 'KH', requestedParty: 'CN', verificationDueBy: '2019-04-04T00:00:00.000Z' },
    // As the store keeps a filing when personal data is sealed under the subject's key.
    { ...filed, subject: { nationality: 'CN', personal: { alg: 'A256GCM', iv: 'bm9uY2U=', ct: 'c2VhbGVk', tag: 'dGFn' } } },
  ],
  IdentityVerified: [
    {
      ...verification,
      identityConfirmed: true,
      notes: personal.notes,
      withinDeadline: true,
      mandatoryGrounds: { politicalOffence: false, persecution: false, militaryOffence: false, finalJudgment: false },
    },
  ],
  SuspectHandedOver: [
    { ...handover, receivingOfficers: personal.officers.slice(1), flight: personal.flight, namesNotifiedAt: '2019-10-10T08:00:00.000Z' },
  ],
  DeportationCompleted: [{ notes: personal.notes }],
  ExtraditionCompleted: [{ notes: personal.notes }],
  // As the store keeps a victim's event when its free text is sealed under the subject's key.
  RepatriationCompleted: [{}, { sealed: { alg: 'A256GCM', iv: 'bm9uY2U=', ct: 'c2VhbGVk', tag: 'dGFn' } }],
  RequestRefused: [{ ground: 'own_national', reason: personal.reasons[0] }],
  RequestWithdrawn: [{ reason: personal.reasons[1] }],
  ErasureRequested: [{ reason: personal.reasons[0] }],
  PersonalDataErased: [{}],
};

/** An event as readAll returns it. */
export function recordedEvent(type: string, data: unknown, overrides: Partial<RecordedEvent> = {}): RecordedEvent {
  return {
    id: randomUUID(),
    streamId: randomUUID(),
    type,
    version: 1,
    position: '42',
    transactionId: '1000',
    schemaVersion: 1,
    occurredAt: new Date('2019-10-12T03:04:05.678Z'),
    recordedAt: new Date('2025-01-02T03:04:05.678Z'),
    data,
    metadata: { actor: officerId, party: 'KH', roles: ['officer'], correlationId: randomUUID(), causationId: null },
    ...overrides,
  };
}
