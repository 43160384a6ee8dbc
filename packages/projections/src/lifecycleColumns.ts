import { toDomainEvent } from '@cco/cases';
import {
  statusAfter,
  type CaseEvent,
  type CaseEventType,
  type CaseKind,
  type CaseStatus,
  type Party,
  type RefusalGround,
} from '@cco/domain';
import type { RecordedEvent } from '@cco/event-store';

// The columns both read models carry about where a case stands, and the one pure fold that
// fills them, so the board and the statistics can never disagree on a case's lifecycle.

export interface LifecycleColumns {
  case_id: string;
  kind: CaseKind;
  status: CaseStatus;
  requesting_party: Party;
  requested_party: Party;
  filed_at: Date;
  verification_due_by: Date | null;
  verified_at: Date | null;
  verified_within_deadline: boolean | null;
  handed_over_at: Date | null;
  completed_at: Date | null;
  refused_at: Date | null;
  refusal_ground: RefusalGround | null;
  withdrawn_at: Date | null;
}

type TimeColumn = 'verified_at' | 'handed_over_at' | 'completed_at' | 'refused_at' | 'withdrawn_at';

/**
 * The column that records each step's business time; the status it leaves the case in is the
 * domain's (statusAfter). Events not listed (e.g. about erasure of personal data) do not move a
 * case: these read models hold no personal data, so there is nothing for them to change.
 */
const stepTimes = {
  IdentityVerified: 'verified_at',
  SuspectHandedOver: 'handed_over_at',
  DeportationCompleted: 'completed_at',
  ExtraditionCompleted: 'completed_at',
  RepatriationCompleted: 'completed_at',
  RequestRefused: 'refused_at',
  RequestWithdrawn: 'withdrawn_at',
} as const satisfies Record<keyof typeof statusAfter, TimeColumn> & Partial<Record<CaseEventType, TimeColumn>>;

type Step = keyof typeof stepTimes;

export const isStep = (type: string): type is Step => Object.hasOwn(stepTimes, type);

/** The columns of a case just filed. */
export function openedColumns(caseId: string, event: Extract<CaseEvent, { type: 'RequestFiled' }>): LifecycleColumns {
  const { data } = event;
  return {
    case_id: caseId,
    kind: data.kind,
    status: 'filed',
    requesting_party: data.requestingParty,
    requested_party: data.requestedParty,
    filed_at: event.occurredAt,
    verification_due_by: data.kind === 'victim_repatriation' ? new Date(data.verificationDueBy) : null,
    verified_at: null,
    verified_within_deadline: null,
    handed_over_at: null,
    completed_at: null,
    refused_at: null,
    refusal_ground: null,
    withdrawn_at: null,
  };
}

/** What a later step changes. Only victim repatriations carry the 30-day verdict. */
export function advancedColumns(event: Extract<CaseEvent, { type: Step }>): Partial<LifecycleColumns> {
  const changes: Partial<LifecycleColumns> = { status: statusAfter[event.type] as CaseStatus, [stepTimes[event.type]]: event.occurredAt };
  if (event.type === 'IdentityVerified') changes.verified_within_deadline = event.data.withinDeadline ?? null;
  if (event.type === 'RequestRefused') changes.refusal_ground = event.data.ground;
  return changes;
}

type Filed = Extract<CaseEvent, { type: 'RequestFiled' }>;

/**
 * An evolve for a per-case row built on the lifecycle columns: `opened` adds the projection's
 * own columns at filing, `moved` its own changes at every later event of the case (any type:
 * each one is a version of the stream), the lifecycle columns change at the steps. An event
 * before any filing leaves the row absent.
 */
export function caseFold<Row extends LifecycleColumns>(own: {
  opened: (columns: LifecycleColumns, filed: Filed, event: RecordedEvent) => Row;
  moved?: (row: Row, event: RecordedEvent) => Partial<Row>;
}) {
  return (row: Row | undefined, event: RecordedEvent): Row | undefined => {
    const e = toDomainEvent(event);
    // A stream starts with its one filing; a second would be a bug upstream: keep the first.
    if (e.type === 'RequestFiled') return row ?? own.opened(openedColumns(event.streamId, e), e, event);
    if (!row) return row;
    const step = isStep(e.type) ? advancedColumns(e as Extract<CaseEvent, { type: Step }>) : {};
    return { ...row, ...step, ...own.moved?.(row, event) };
  };
}
