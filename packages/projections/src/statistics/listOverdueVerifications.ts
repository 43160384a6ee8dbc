import type { Party } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import type { ProjectionTables } from '../tables';

export interface OverdueVerifications {
  count: number;
  /** The oldest due first. Case ids and dates only: no one's name leaves the case. */
  items: { caseId: string; filedAt: Date; verificationDueBy: Date }[];
}

/**
 * Victim repatriations the requested party has still not verified past their 30-day due date,
 * as of `now` (the same rule as the domain's isVerificationOverdue: still filed, due passed).
 */
export async function listOverdueVerifications(
  db: Executor<any>,
  requestedParty: Party,
  now: Date,
  limit: number,
): Promise<OverdueVerifications> {
  const overdue = (db as Executor<ProjectionTables>)
    .selectFrom('statistics_cases')
    .where('kind', '=', 'victim_repatriation')
    .where('status', '=', 'filed')
    .where('requested_party', '=', requestedParty)
    .where('verification_due_by', '<', now);
  const [total, rows] = await Promise.all([
    overdue.select((eb) => eb.fn.countAll<string>().as('count')).executeTakeFirstOrThrow(),
    overdue.select(['case_id', 'filed_at', 'verification_due_by']).orderBy('verification_due_by').orderBy('case_id').limit(limit).execute(),
  ]);
  return {
    count: Number(total.count),
    items: rows.map((r) => ({ caseId: r.case_id, filedAt: r.filed_at, verificationDueBy: r.verification_due_by! })),
  };
}
