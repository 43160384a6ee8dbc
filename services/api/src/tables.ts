import type { StoreTables } from '@cco/event-store';
import type { IdempotencyKeysTable } from './idempotency/idempotencyKeys.table';

/** Every table the API reads or writes. */
export interface ApiTables extends StoreTables {
  idempotency_keys: IdempotencyKeysTable;
}
