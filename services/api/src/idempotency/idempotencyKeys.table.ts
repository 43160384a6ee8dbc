import type { ColumnType } from 'kysely';

/** The first answer to each (principal, Idempotency-Key), stored with the events it produced. */
export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_hash: string;
  status: number;
  body: ColumnType<unknown, string, never>;
  headers: ColumnType<Record<string, string>, string, never>;
  created_at: ColumnType<Date, never, never>;
}
