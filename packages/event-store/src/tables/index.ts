import type { CheckpointsTable } from './checkpoints.table';
import type { EventChainTable } from './eventChain.table';
import type { EventsTable } from './events.table';
import type { CheckpointCosignaturesTable, IntegrityRunsTable, MerkleNodesTable, TreeCheckpointsTable } from './merkle.table';
import type { StreamsTable } from './streams.table';

export type {
  CheckpointCosignaturesTable,
  CheckpointsTable,
  EventChainTable,
  EventsTable,
  IntegrityRunsTable,
  MerkleNodesTable,
  StreamsTable,
  TreeCheckpointsTable,
};

/** The store's tables. Services extend this with their own (`StoreTables & { ... }`). */
export interface StoreTables {
  events: EventsTable;
  streams: StreamsTable;
  event_chain: EventChainTable;
  checkpoints: CheckpointsTable;
  merkle_nodes: MerkleNodesTable;
  tree_checkpoints: TreeCheckpointsTable;
  checkpoint_cosignatures: CheckpointCosignaturesTable;
  integrity_runs: IntegrityRunsTable;
}
