import type { ColumnType } from 'kysely';

/**
 * Where each reader of the global log stands (its position): the last (transaction_id, position)
 * it processed. The table keeps its first name, `checkpoints`.
 */
export interface PositionsTable {
  name: string;
  transaction_id: string;
  position: string;
  updated_at: ColumnType<Date, never, Date | string>;
}
