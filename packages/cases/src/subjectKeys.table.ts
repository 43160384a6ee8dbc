import type { ColumnType } from 'kysely';

/** One data key per subject (per case), wrapped by the key-encryption key of epoch `kek_epoch`. */
export interface SubjectKeysTable {
  case_id: string;
  wrapped_key: Buffer;
  kek_epoch: number;
  created_at: ColumnType<Date, never, never>;
}

/** The subjects whose key an erasure destroyed (their subject_keys row is gone). */
export interface ErasedSubjectsTable {
  case_id: string;
  destroyed_at: ColumnType<Date, never, never>;
  /** When a VACUUM was seen to leave no dead version of subject_keys (null: pending purge). */
  purged_at: ColumnType<Date | null, never, Date | string>;
}

/** Each key-encryption key the database was sealed with, by fingerprint; one is current. */
export interface PersonalDataKeysTable {
  epoch: number;
  fingerprint: string;
  created_at: ColumnType<Date, never, never>;
  retired_at: ColumnType<Date | null, never, Date | string>;
}

export interface CaseRecordTables {
  subject_keys: SubjectKeysTable;
  erased_subjects: ErasedSubjectsTable;
  personal_data_keys: PersonalDataKeysTable;
}
