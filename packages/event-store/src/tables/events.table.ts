import type { ColumnType, Generated } from 'kysely';

/** The global log. Immutable: a trigger refuses UPDATE, DELETE and TRUNCATE. */
export interface EventsTable {
  /** int8, mapped to string at the edge. Unique, but not commit order: see readAll. */
  position: Generated<string>;
  /** xid8 of the appending transaction, as a string. */
  transaction_id: Generated<string>;
  event_id: string;
  stream_id: string;
  stream_version: ColumnType<string, string | number, never>;
  type: string;
  schema_version: number;
  data: ColumnType<unknown, string, never>;
  metadata: ColumnType<unknown, string, never>;
  occurred_at: ColumnType<Date, Date | string, never>;
  recorded_at: ColumnType<Date, never, never>;
}
