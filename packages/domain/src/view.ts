import { fold } from './case';
import type { CaseEvent, RequestFiledData } from './events';
import type { DiplomaticNote, DualCriminality } from './extradition/events';
import type { CompletedData, HandedOverData, IdentityVerifiedData, RefusedData, WithdrawnData } from './lifecycle/events';
import type { CaseKind, CaseStatus, Location, Offence, Party, Subject, Warrant } from './vocabulary';

// The case as GET /v1/cases/{id} shows it: a pure fold of its events. Times are business
// times (when things happened); "as of" a record time is the caller choosing which events
// to fold.

export interface CaseView {
  id: string;
  kind: CaseKind;
  status: CaseStatus;
  requestingParty: Party;
  requestedParty: Party;
  subject: Subject;
  offences: Offence[];
  warrant: Warrant | null;
  lastKnownLocation: Location | null;
  /** extradition */
  dualCriminality: DualCriminality | null;
  diplomaticNote: DiplomaticNote | null;
  /** victim_repatriation: ISO date-time the verification is due (30 days after filing). */
  verificationDueBy: string | null;
  /** victim_repatriation: null until verified. */
  verifiedWithinDeadline: boolean | null;
  verification: IdentityVerifiedData | null;
  handover: HandedOverData | null;
  completion: CompletedData | null;
  refusal: RefusedData | null;
  withdrawal: WithdrawnData | null;
  /** Victims: the erasure of the subject's personal data, once asked for; its reason goes with the data (null once erased). */
  erasure: { reason: string | null; requestedAt: string; erasedAt: string | null } | null;
  filedAt: string;
  verifiedAt: string | null;
  handedOverAt: string | null;
  completedAt: string | null;
  refusedAt: string | null;
  withdrawnAt: string | null;
  /** Number of events: the case's version, its ETag. */
  version: number;
}

/** The fields only some kinds have; the others show them as null. */
function kindFields(data: RequestFiledData): Pick<CaseView, 'dualCriminality' | 'diplomaticNote' | 'verificationDueBy'> {
  const none = { dualCriminality: null, diplomaticNote: null, verificationDueBy: null };
  switch (data.kind) {
    case 'deportation':
      return none;
    case 'extradition':
      return { ...none, dualCriminality: data.dualCriminality ?? null, diplomaticNote: data.diplomaticNote ?? null };
    case 'victim_repatriation':
      return { ...none, verificationDueBy: data.verificationDueBy };
  }
}

function filed(id: string, { data, occurredAt }: { data: RequestFiledData; occurredAt: Date }): CaseView {
  return {
    id,
    kind: data.kind,
    status: 'filed',
    requestingParty: data.requestingParty,
    requestedParty: data.requestedParty,
    subject: data.subject,
    offences: data.offences ?? [],
    warrant: data.warrant ?? null,
    lastKnownLocation: data.lastKnownLocation ?? null,
    ...kindFields(data),
    verifiedWithinDeadline: null,
    verification: null,
    handover: null,
    completion: null,
    refusal: null,
    withdrawal: null,
    erasure: null,
    filedAt: occurredAt.toISOString(),
    verifiedAt: null,
    handedOverAt: null,
    completedAt: null,
    refusedAt: null,
    withdrawnAt: null,
    version: 0,
  };
}

function apply(view: CaseView, event: CaseEvent): CaseView {
  const at = event.occurredAt.toISOString();
  switch (event.type) {
    case 'RequestFiled':
      return view;
    case 'IdentityVerified':
      return { ...view, verification: event.data, verifiedAt: at, verifiedWithinDeadline: event.data.withinDeadline ?? null };
    case 'SuspectHandedOver':
      return { ...view, handover: event.data, handedOverAt: at };
    case 'DeportationCompleted':
    case 'ExtraditionCompleted':
    case 'RepatriationCompleted':
      return { ...view, completion: event.data, completedAt: at };
    case 'RequestRefused':
      return { ...view, refusal: event.data, refusedAt: at };
    case 'RequestWithdrawn':
      return { ...view, withdrawal: event.data, withdrawnAt: at };
    case 'ErasureRequested':
      // Free text of a victim's case, sealed under the subject's key: gone once the key is.
      return { ...view, erasure: { reason: event.data.reason ?? null, requestedAt: at, erasedAt: null } };
    case 'PersonalDataErased':
      return { ...view, erasure: view.erasure && { ...view.erasure, erasedAt: at } };
  }
}

/** null when there is no case: no events, or a stream that does not start with a filing. */
export function caseView(caseId: string, events: readonly CaseEvent[]): CaseView | null {
  const [first] = events;
  const state = fold(events);
  if (first?.type !== 'RequestFiled' || state.status === 'none') return null;
  return { ...events.reduce(apply, filed(caseId, first)), status: state.status, version: events.length };
}

/** Art. 5 (2016): a victim's verification is overdue once its due date passed unverified. */
export const isVerificationOverdue = (view: CaseView, now: Date): boolean =>
  view.status === 'filed' && view.verificationDueBy !== null && now.getTime() > Date.parse(view.verificationDueBy);
