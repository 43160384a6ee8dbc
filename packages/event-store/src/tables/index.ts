import type { CheckpointsTable } from './checkpoints.table';
import type { EventChainTable } from './eventChain.table';
import type { EventsTable } from './events.table';
import type { StreamsTable } from './streams.table';

export type { CheckpointsTable, EventChainTable, EventsTable, StreamsTable };

/** The store's tables. Services extend this with their own (`StoreTables & { ... }`). */
export interface StoreTables {
  events: EventsTable;
  streams: StreamsTable;
  event_chain: EventChainTable;
  checkpoints: CheckpointsTable;
}
