import type { EventsTable } from './events.table';
import type { PositionsTable } from './positions.table';
import type { StreamsTable } from './streams.table';

export type { EventsTable, PositionsTable, StreamsTable };

/** The store's tables. Services extend this with their own (`StoreTables & { ... }`). */
export interface StoreTables {
  events: EventsTable;
  streams: StreamsTable;
  /** Readers' positions (the table's name predates the word). */
  checkpoints: PositionsTable;
}
