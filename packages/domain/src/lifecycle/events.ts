import type { CaseKind, CaseParties, CaseStatus, RefusalGround, Subject } from '../vocabulary';

// The lifecycle every kind shares: filed → identity_verified → handed_over → completed, with
// refusal or withdrawal possible before the handover. Kinds add their filing data, their
// completion event and their own facts; the steps between are the same for all.

/** What every RequestFiled records, whatever the kind. */
export interface FiledDataBase<K extends CaseKind> extends CaseParties {
  kind: K;
  subject: Subject;
}

export interface FiledEvent<D> {
  type: 'RequestFiled';
  occurredAt: Date;
  data: D;
}

/** The 1992 treaty's mandatory refusal grounds, as the requested party assessed them. */
export interface MandatoryGrounds {
  politicalOffence: boolean;
  persecution: boolean;
  militaryOffence: boolean;
  finalJudgment: boolean;
}

/** What the requested party states when it verifies (the command's data). */
export interface VerificationData {
  nationalityConfirmed: boolean;
  identityConfirmed?: boolean;
  confirmedNationality: string;
  documentsSufficient?: boolean;
  notes?: string;
  /** extradition: required, and every ground false, else the requested party refuses. */
  mandatoryGrounds?: MandatoryGrounds;
}

export interface IdentityVerifiedData extends VerificationData {
  /** victim_repatriation only: done within the 30 days of Art. 5 of the 2016 agreement. */
  withinDeadline?: boolean;
}

export interface HandedOverData {
  place: string;
  receivingOfficers: string[];
  flight?: string;
  /** ISO date-time the names were notified to the other party (victim_repatriation). */
  namesNotifiedAt?: string;
}

export interface CompletedData {
  notes?: string;
}

export interface RefusedData {
  ground: RefusalGround;
  reason: string;
}

export interface WithdrawnData {
  reason: string;
}

export const completionEventTypes = ['DeportationCompleted', 'ExtraditionCompleted', 'RepatriationCompleted'] as const;
export type CompletionEventType = (typeof completionEventTypes)[number];

export interface CompletedEvent<T extends CompletionEventType> {
  type: T;
  occurredAt: Date;
  data: CompletedData;
}

/** The events between filing and completion, identical for every kind. */
export type LifecycleEvent =
  | { type: 'IdentityVerified'; occurredAt: Date; data: IdentityVerifiedData }
  | { type: 'SuspectHandedOver'; occurredAt: Date; data: HandedOverData }
  | { type: 'RequestRefused'; occurredAt: Date; data: RefusedData }
  | { type: 'RequestWithdrawn'; occurredAt: Date; data: WithdrawnData };

export interface NoCase {
  status: 'none';
}

/** What the deciders need to know about any filed case. */
export interface CaseFacts<K extends CaseKind> extends CaseParties {
  kind: K;
  /** The subject's nationality as filed (own nationals are never extradited). */
  nationality: string;
  /** Business time of the latest event: a later event may not claim to precede it. */
  lastOccurredAt: Date;
  /** Erasure of the subject's personal data (victims only), once asked for. */
  erasure?: 'requested' | 'erased';
}

/** One member per status, each carrying the kind's facts. */
export type LifecycleState<F> = { [S in CaseStatus]: F & { status: S } }[CaseStatus];

/** Any filed case, whatever its kind. */
export type OpenCase = LifecycleState<CaseFacts<CaseKind>>;

export const opened = <K extends CaseKind>({ data, occurredAt }: FiledEvent<FiledDataBase<K>>) => ({
  status: 'filed' as const,
  kind: data.kind,
  requestingParty: data.requestingParty,
  requestedParty: data.requestedParty,
  nationality: data.subject.nationality,
  lastOccurredAt: occurredAt,
});

/** Where each step leaves a case: the one table of the lifecycle, which the read models use too. */
export const statusAfter: Record<LifecycleEvent['type'] | CompletionEventType, CaseStatus> = {
  IdentityVerified: 'identity_verified',
  SuspectHandedOver: 'handed_over',
  RequestRefused: 'refused',
  RequestWithdrawn: 'withdrawn',
  DeportationCompleted: 'completed',
  ExtraditionCompleted: 'completed',
  RepatriationCompleted: 'completed',
};

/** Moves a filed case along; a stream never starts with anything but RequestFiled. */
export function advance<S extends OpenCase>(state: S | NoCase, event: LifecycleEvent | CompletedEvent<CompletionEventType>): S | NoCase {
  if (state.status === 'none') return state;
  return { ...state, status: statusAfter[event.type], lastOccurredAt: event.occurredAt };
}

/** A kind's events: its own filing, the shared steps, its own completion. */
export type KindEvent<D, C extends CompletionEventType> = FiledEvent<D> | LifecycleEvent | CompletedEvent<C>;

/** A kind's state union: the shared facts plus the kind's own. */
export type KindState<K extends CaseKind, Own = unknown> = LifecycleState<CaseFacts<K> & Own>;
