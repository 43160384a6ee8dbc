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
  return a.type === b.type && a.occurredAt.getTime() === b.occurredAt.getTime() && canonical(a.data) === canonical(b.data);
}

/** JSON with keys sorted, as a comparison that ignores key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : v,
  );
}
