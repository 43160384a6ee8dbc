import type { ColumnType } from 'kysely';

/** Where each reader of the global log stands: the last (transaction_id, position) it processed. */
export interface CheckpointsTable {
  name: string;
  transaction_id: string;
  position: string;
  updated_at: ColumnType<Date, never, Date | string>;
}
