import { randomUUID } from 'node:crypto';
import type { CaseKind, OffenceCategory, Party } from '@cco/domain';
import type { NewEvent, RecordedEvent } from '@cco/event-store';

// Case events built by hand, at the exact business times a spec asserts on (durations, windows,
// deadlines), as the deciders would have recorded them: for specs (as RecordedEvent, through
// `recorded`) and for integration tests (as NewEvent, appended to the store). Subjects carry
// personal data on purpose: the read models must leave it behind. Exported as the `caseEvents`
// namespace; many cases at once come from `caseHistories`.

export const subject = {
  names: [
    { script: 'Latn', value: 'LI Na' },
    { script: 'Hans', value: '李娜' },
  ],
  nationality: 'CN',
  dateOfBirth: '1988-02-03',
  documents: [{ type: 'passport', number: 'E99887766', issuingCountry: 'CN' }],
};
export const personalValues = ['LI Na', '李娜', '1988-02-03', 'E99887766'];

const DAY_MS = 86_400_000;
const metadata = (party: Party) => ({ actor: `${party.toLowerCase()}-officer`, party, correlationId: randomUUID(), causationId: null });

export interface Filing {
  kind?: CaseKind;
  by?: Party;
  offences?: OffenceCategory[];
  at: string;
}

export function filed({ kind = 'deportation', by = 'CN', offences = ['telecom_fraud'], at }: Filing): NewEvent {
  const requestedParty: Party = by === 'CN' ? 'KH' : 'CN';
  const occurredAt = new Date(at);
  const base = { kind, subject, requestingParty: by, requestedParty };
  const data =
    kind === 'victim_repatriation'
      ? { ...base, verificationDueBy: new Date(occurredAt.getTime() + 30 * DAY_MS).toISOString() }
      : {
          ...base,
          offences: offences.map((category) => ({ category, description: 'call centre' })),
          warrant: { reference: 'W-1', issuedBy: 'PSB', issuedOn: '1992-02-09' },
        };
  return { type: 'RequestFiled', occurredAt, data, metadata: metadata(by) };
}

const step = (type: string, at: string, data: unknown, party: Party): NewEvent => ({
  type,
  occurredAt: new Date(at),
  data,
  metadata: metadata(party),
});

export const verified = (at: string, withinDeadline?: boolean) =>
  step(
    'IdentityVerified',
    at,
    { nationalityConfirmed: true, confirmedNationality: 'CN', ...(withinDeadline === undefined ? {} : { withinDeadline }) },
    'KH',
  );
export const handedOver = (at: string) =>
  step('SuspectHandedOver', at, { place: 'Phnom Penh International Airport', receivingOfficers: ['escort 3'] }, 'KH');
export const completed = (at: string, type = 'DeportationCompleted') => step(type, at, {}, 'CN');
export const refused = (at: string, ground = 'insufficient_documents') =>
  step('RequestRefused', at, { ground, reason: 'documents do not match' }, 'KH');
export const withdrawn = (at: string) => step('RequestWithdrawn', at, { reason: 'located elsewhere' }, 'CN');

/** A whole deportation filed on `at`, completed `days` later. */
export const deportation = (at: string, days = 20, offences?: OffenceCategory[]): NewEvent[] => {
  const t = (d: number) => new Date(Date.parse(at) + d * DAY_MS).toISOString();
  return [filed({ at, ...(offences ? { offences } : {}) }), verified(t(days / 2)), handedOver(t(days - 1)), completed(t(days))];
};

let position = 0;
const recordedAt = new Date('2026-11-23T09:00:00.000Z');

/** Events as the store would return them, for specs without a database. */
export function recorded(caseId: string, events: readonly NewEvent[]): RecordedEvent[] {
  return events.map((e, i) => {
    position += 1;
    return {
      id: randomUUID(),
      streamId: caseId,
      type: e.type,
      version: i + 1,
      position: String(position),
      transactionId: String(1000 + position),
      schemaVersion: 1,
      occurredAt: e.occurredAt,
      recordedAt: new Date(recordedAt.getTime() + position),
      data: e.data,
      metadata: e.metadata,
    };
  });
}
