import { readCheckpoint, type Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { relayName } from './relayBatch';

export interface RelayLag {
  /** Committed events not yet acknowledged by Kafka. */
  events: number;
  /** Age of the oldest of them, by the database's clock (0 when none waits). */
  seconds: number;
}

/**
 * How far the relay is behind, from the database alone: the same answer whichever instance
 * relays, and it keeps growing while publishing is off (no KAFKA_BROKERS) or Kafka is down.
 */
export async function measureRelayLag(db: Executor<any>): Promise<RelayLag> {
  const at = await readCheckpoint(db, relayName);
  const result = await sql<{ events: string; seconds: number | null }>`
    select count(*) as events, extract(epoch from clock_timestamp() - min(recorded_at))::float8 as seconds
    from events
    where (transaction_id, position) > (${at.transactionId}::xid8, ${at.position}::int8)`.execute(db);
  const row = result.rows[0];
  return { events: Number(row?.events ?? 0), seconds: Math.max(0, row?.seconds ?? 0) };
}
