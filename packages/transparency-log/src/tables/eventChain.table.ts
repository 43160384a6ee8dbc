import type { ColumnType } from 'kysely';

/** The hash chain over the global log, in commit-safe order. Append-only like events. */
export interface EventChainTable {
  seq: ColumnType<string, string | number, never>;
  position: ColumnType<string, string, never>;
  /** The event's transaction id, so the tip is a checkpoint without touching events. */
  transaction_id: ColumnType<string, string, never>;
  prev_hash: string;
  hash: string;
  /**
   * The event's Merkle leaf hash (leaf seq − 1), written with the link; NULL on a link chained
   * before the tree existed until the chainer fills it in (the one update the trigger allows).
   */
  leaf_hash: ColumnType<Buffer | null, Buffer | null | undefined, Buffer>;
}
