import type { CaseKind, Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { countFacts, type Count } from './countCases';
import type { DayWindow } from './window';

/** Refusals by ground, counted by the UTC date of the refusal's business time. */
export function countRefusals(
  db: Executor<any>,
  window: DayWindow,
  filters: { kind?: CaseKind | undefined; requestedParty?: Party | undefined } = {},
): Promise<Count> {
  return countFacts(db, 'refused', window, { kind: filters.kind, requested_party: filters.requestedParty }, 'key');
}
