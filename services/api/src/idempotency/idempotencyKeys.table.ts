import type { ColumnType } from 'kysely';

/**
 * Each (principal, Idempotency-Key) and what its first answer was: the case as of `version`
 * (re-read from the log on a replay; no answer body, hence no personal data, is kept here).
 */
export interface IdempotencyKeysTable {
  principal: string;
  key: string;
  request_hash: string;
  case_id: string;
  version: ColumnType<string, number, never>;
  created_at: ColumnType<Date, never, never>;
}
