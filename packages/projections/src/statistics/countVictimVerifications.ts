import type { Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { countFacts } from './countCases';
import type { DayWindow } from './window';

export interface VerificationCounts {
  total: number;
  /** Done within the 30 days of Art. 5 (2016), as the decider recorded it on the event. */
  withinDeadline: number;
  late: number;
}

/** Victim verifications done in the window (by the UTC date of their business time). */
export async function countVictimVerifications(db: Executor<any>, window: DayWindow, requestedParty?: Party): Promise<VerificationCounts> {
  const { total, groups } = await countFacts(
    db,
    'verified',
    window,
    { kind: 'victim_repatriation', requested_party: requestedParty },
    'key',
  );
  const withinDeadline = groups.find((g) => g.key === 'within')?.count ?? 0;
  return { total, withinDeadline, late: total - withinDeadline };
}
