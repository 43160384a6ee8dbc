import type { CaseRecordTables } from '@cco/case-records';
import type { StoreTables } from '@cco/event-store';
import type { PersonalDataAccessTable } from './audit/personalDataAccess.table';
import type { IdempotencyKeysTable } from './idempotency/idempotencyKeys.table';

/** Every table the API reads or writes. */
export interface ApiTables extends StoreTables, CaseRecordTables {
  idempotency_keys: IdempotencyKeysTable;
  personal_data_access: PersonalDataAccessTable;
}
