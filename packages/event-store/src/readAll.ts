import { sql } from 'kysely';
import { commitSafeBound } from './commitSafeBound';
import { toRecordedEvent, type EventRow } from './rows';
import { logStart, type Executor, type LogPosition, type RecordedEvent } from './types';

export interface ReadAllResult {
  events: RecordedEvent[];
  /** Where the next read resumes: the last event returned, or `after` when none was. */
  last: LogPosition;
}

/**
 * The global log after `after`, in commit-safe order.
 *
 * Positions come from a sequence and are taken at insert, not at commit: a transaction can
 * commit later than another yet hold a lower position. A reader ordering by position alone
 * would move past it and never see it. So we order by (transaction_id, position) and read only
 * transactions older than the oldest one that may still write to this database's log
 * (commitSafeBound): everything below it has committed or aborted, so nothing can appear
 * behind the reader any more, and a transaction in another database holds nobody back.
 */
export async function readAll(db: Executor<any>, after: LogPosition = logStart, limit = 500): Promise<ReadAllResult> {
  const result = await sql<EventRow>`
    select * from events
    where (transaction_id, position) > (${after.transactionId}::xid8, ${after.position}::int8)
      and transaction_id < ${commitSafeBound}
    order by transaction_id, position
    limit ${limit}`.execute(db);
  const events = result.rows.map(toRecordedEvent);
  const tail = events[events.length - 1];
  return { events, last: tail ? { transactionId: tail.transactionId, position: tail.position } : after };
}

/** The commit-order position of an event known by its global position, if it exists. */
export async function logPositionOf(db: Executor<any>, position: string): Promise<LogPosition | null> {
  const row = await db.selectFrom('events').select(['transaction_id', 'position']).where('position', '=', position).executeTakeFirst();
  return row ? { transactionId: String(row.transaction_id), position: String(row.position) } : null;
}
