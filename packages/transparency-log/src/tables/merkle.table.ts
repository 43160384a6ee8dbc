import type { ColumnType } from 'kysely';

/**
 * The Merkle tree's completed perfect subtrees of 16 leaves and more (level ≥ 4; the leaves are in
 * event_chain.leaf_hash): (level, idx) hashes leaves [idx·2^level, (idx+1)·2^level). Append-only.
 */
export interface MerkleNodesTable {
  level: number;
  idx: ColumnType<string, string | number, never>;
  hash: Buffer;
}

/** Every signed checkpoint issued, by tree size. Append-only. */
export interface TreeCheckpointsTable {
  tree_size: ColumnType<string, string | number, never>;
  root_hash: Buffer;
  /** The whole signed note, as served. */
  note: string;
  issued_at: ColumnType<Date, never, never>;
}

/** Witnesses' cosignatures (C2SP tlog-cosignature) of checkpoints. Append-only. */
export interface CheckpointCosignaturesTable {
  tree_size: ColumnType<string, string | number, never>;
  witness: string;
  key_id: string;
  /** The note signature line, `— <witness> <base64>`, without the newline. */
  signature_line: string;
  cosigned_at: ColumnType<Date, Date | string, never>;
  received_at: ColumnType<Date, never, never>;
}

/** Whole re-verifications of the log against the tree and the signed checkpoints. Append-only. */
export interface IntegrityRunsTable {
  id: ColumnType<string, never, never>;
  started_at: ColumnType<Date, Date | string, never>;
  finished_at: ColumnType<Date, never, never>;
  tree_size: ColumnType<string, string | number, never>;
  checked: ColumnType<string, string | number, never>;
  ok: boolean;
  first_broken_position: ColumnType<string | null, string | null, never>;
  detail: string | null;
}
