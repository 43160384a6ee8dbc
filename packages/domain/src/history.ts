import { decide, evolve, type CaseCommand, type CaseState, type FilingData } from './case';
import { violation, type DomainError } from './decision';
import type { CaseEvent } from './events';
import type { Actor } from './vocabulary';

// A history brought in from elsewhere (a back-fill) passes the same deciders as live commands:
// each event must be exactly what deciding the command it records would have emitted, by that
// actor, at that business time, on the case as it stood. So who may act, order, chronology,
// warrants, dual criminality and plausible dates hold for imported cases as for live ones.

/** An event as a history records it, with who caused it. */
export interface AttributedEvent {
  event: CaseEvent;
  actor: Actor;
}

export type HistoryCheck = { ok: true; state: CaseState } | { ok: false; index: number; error: DomainError };

/** The command a live caller would have sent to cause `event`; undefined for erasure events. */
export function commandFor(event: CaseEvent, actor: Actor, now: Date, caseId: string): CaseCommand | undefined {
  const base = { actor, now, occurredAt: event.occurredAt };
  switch (event.type) {
    case 'RequestFiled': {
      // The parties are the decider's to set from the filer: what the history says of them is
      // compared with what it sets, not passed in.
      const { requestingParty: _requesting, requestedParty: _requested, ...filing } = event.data;
      return { ...base, type: 'FileRequest', caseId, data: filing as FilingData };
    }
    case 'IdentityVerified':
      return { ...base, type: 'VerifyIdentity', data: event.data };
    case 'SuspectHandedOver':
      return { ...base, type: 'HandOver', data: event.data };
    case 'DeportationCompleted':
    case 'ExtraditionCompleted':
    case 'RepatriationCompleted':
      return { ...base, type: 'Complete', data: event.data as CaseCommand['data'] & Record<string, never> };
    case 'RequestRefused':
      return { ...base, type: 'Refuse', data: event.data };
    case 'RequestWithdrawn':
      return { ...base, type: 'Withdraw', data: event.data };
    default:
      return undefined;
  }
}

/**
 * Replays `history` from `state` through the deciders, with `now` as the time of recording.
 * The first event that its command would not have produced, as recorded, fails the history.
 */
export function checkHistory(
  history: readonly AttributedEvent[],
  now: Date,
  caseId: string,
  state: CaseState = { status: 'none' },
): HistoryCheck {
  let current = state;
  for (const [index, { event, actor }] of history.entries()) {
    const command = commandFor(event, actor, now, caseId);
    if (!command) {
      return {
        ok: false,
        index,
        error: violation('import-no-erasure', `${event.type} is not imported: erasure happens in the service, where the key is destroyed`),
      };
    }
    const decision = decide(current, command);
    if (!decision.ok) return { ok: false, index, error: decision.error };
    const [decided] = decision.events;
    if (decision.events.length !== 1 || !decided || !sameEvent(decided, event)) {
      return {
        ok: false,
        index,
        error: violation(
          'import-as-decided',
          `${event.type} differs from what the deciders emit for it (e.g. a party, a deadline or a derived field)`,
        ),
      };
    }
    current = evolve(current, event);
  }
  return { ok: true, state: current };
}

function sameEvent(a: CaseEvent, b: CaseEvent): boolean {
  return a.type === b.type && a.occurredAt.getTime() === b.occurredAt.getTime() && sameJson(a.data, b.data);
}

/**
 * Equal as JSON would write them, key order ignored: keys holding undefined count as absent and
 * dates compare by instant. Walked rather than serialised, since an import compares every event
 * (sorting and writing both sides cost more than the decider itself).
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  return (
    keys.length === Object.keys(y).filter((k) => y[k] !== undefined).length &&
    keys.every((k) => Object.prototype.hasOwnProperty.call(y, k) && sameJson(x[k], y[k]))
  );
}
