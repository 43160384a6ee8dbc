import type { Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { countFacts, type Count } from './countCases';
import type { DayWindow } from './window';

export type DeportationGrouping = 'year' | 'month' | 'offence';

/**
 * Completed deportations by the UTC date of the completion's business time (occurredAt), both
 * window ends inclusive (docs/api.md). A completion recorded today for 2017 counts in 2017.
 */
export function countDeportations(
  db: Executor<any>,
  window: DayWindow,
  options: { groupBy?: DeportationGrouping | undefined; requestingParty?: Party | undefined } = {},
): Promise<Count> {
  const by = options.groupBy === 'offence' ? 'key' : options.groupBy;
  return countFacts(db, 'completed', window, { kind: 'deportation', requesting_party: options.requestingParty }, by);
}
