import type { ColumnType } from 'kysely';

/** One row per stream: its type and current version, the row that serialises writers. */
export interface StreamsTable {
  stream_id: string;
  stream_type: string;
  version: ColumnType<string, string | number, string | number>;
  created_at: ColumnType<Date, never, never>;
  updated_at: ColumnType<Date, never, Date | string>;
}
