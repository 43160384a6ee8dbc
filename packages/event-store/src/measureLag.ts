import { sql } from 'kysely';
import { readPosition } from './positions';
import type { Executor, LogPosition } from './types';

export interface Lag {
  position: LogPosition;
  /** Committed events after the reader's position: not yet processed. */
  events: number;
  /** Age of the oldest of them by record time; 0 when caught up. */
  seconds: number;
}

/**
 * How far the reader `name` is behind the log, from the database alone: every instance gives
 * the same answer whichever one does the reading, and it keeps growing while the reader is
 * stopped or failing (measured from the oldest unprocessed event, not from the last run).
 */
export async function measureLag(db: Executor<any>, name: string): Promise<Lag> {
  const position = await readPosition(db, name);
  const { rows } = await sql<{ events: string; seconds: number | null }>`
    select count(*) as events, extract(epoch from clock_timestamp() - min(recorded_at))::float8 as seconds
    from events where (transaction_id, position) > (${position.transactionId}::xid8, ${position.position}::int8)`.execute(db);
  const row = rows[0];
  return { position, events: Number(row?.events ?? 0), seconds: Math.max(0, row?.seconds ?? 0) };
}
