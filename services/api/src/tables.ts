import type { CaseRecordTables } from '@cco/cases';
import type { TransparencyTables } from '@cco/transparency-log';
import type { PersonalDataAccessTable } from './accessLog/personalDataAccess.table';
import type { IdempotencyKeysTable } from './idempotency/idempotencyKeys.table';

/** Every table the API reads or writes. */
export interface ApiTables extends TransparencyTables, CaseRecordTables {
  idempotency_keys: IdempotencyKeysTable;
  personal_data_access: PersonalDataAccessTable;
}
