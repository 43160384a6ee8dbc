import type { CaseRecordTables } from '@cco/case-records';
import type { StoreTables } from '@cco/event-store';
import type { PersonalDataAccessTable } from './accessLog/personalDataAccess.table';
import type { IdempotencyKeysTable } from './idempotency/idempotencyKeys.table';
import type { ChainVerificationsTable } from './transparency/chainVerifications.table';

/** Every table the API reads or writes. */
export interface ApiTables extends StoreTables, CaseRecordTables {
  idempotency_keys: IdempotencyKeysTable;
  personal_data_access: PersonalDataAccessTable;
  chain_verifications: ChainVerificationsTable;
}
