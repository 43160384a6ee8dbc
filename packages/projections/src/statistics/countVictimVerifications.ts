import type { Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { casesIn } from './countCases';
import type { DayWindow } from './window';

export interface VerificationCounts {
  total: number;
  /** Done within the 30 days of Art. 5 (2016), as the decider recorded it on the event. */
  withinDeadline: number;
  late: number;
}

/** Victim verifications done in the window (by the UTC date of their business time). */
export async function countVictimVerifications(db: Executor<any>, window: DayWindow, requestedParty?: Party): Promise<VerificationCounts> {
  const row = await casesIn(db, 'verified_at', window, { kind: 'victim_repatriation', requested_party: requestedParty })
    .select([
      sql<number>`count(*)::int`.as('total'),
      sql<number>`(count(*) filter (where verified_within_deadline))::int`.as('withinDeadline'),
    ])
    .executeTakeFirstOrThrow();
  return { total: row.total, withinDeadline: row.withinDeadline, late: row.total - row.withinDeadline };
}
