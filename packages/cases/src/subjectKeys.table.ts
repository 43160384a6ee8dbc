import type { ColumnType } from 'kysely';

/** One data key per subject (per case), wrapped by the key-encryption key; null once erased. */
export interface SubjectKeysTable {
  case_id: string;
  wrapped_key: Buffer | null;
  created_at: ColumnType<Date, never, never>;
  destroyed_at: ColumnType<Date | null, never, Date | string>;
}

export interface CaseRecordTables {
  subject_keys: SubjectKeysTable;
}
