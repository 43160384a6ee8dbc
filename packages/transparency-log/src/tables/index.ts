import type { StoreTables } from '@cco/event-store';
import type { ChainVerificationsTable } from './chainVerifications.table';
import type { EventChainTable } from './eventChain.table';
import type { CheckpointCosignaturesTable, IntegrityRunsTable, MerkleNodesTable, TreeCheckpointsTable } from './merkle.table';

export type {
  ChainVerificationsTable,
  CheckpointCosignaturesTable,
  EventChainTable,
  IntegrityRunsTable,
  MerkleNodesTable,
  TreeCheckpointsTable,
};

/** The transparency log's tables, over the store's. */
export interface TransparencyTables extends StoreTables {
  event_chain: EventChainTable;
  merkle_nodes: MerkleNodesTable;
  tree_checkpoints: TreeCheckpointsTable;
  checkpoint_cosignatures: CheckpointCosignaturesTable;
  integrity_runs: IntegrityRunsTable;
  chain_verifications: ChainVerificationsTable;
}
