import { measureLag, type Executor } from '@cco/event-store';
import { relayName } from './relayBatch';

export interface RelayLag {
  /** Committed events not yet acknowledged by Kafka. */
  events: number;
  /** Age of the oldest of them, by the database's clock (0 when none waits). */
  seconds: number;
}

/** How far the relay is behind; it keeps growing while publishing is off or Kafka is down. */
export async function measureRelayLag(db: Executor<any>): Promise<RelayLag> {
  const { events, seconds } = await measureLag(db, relayName);
  return { events, seconds };
}
