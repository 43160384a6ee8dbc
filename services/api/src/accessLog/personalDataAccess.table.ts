import type { ColumnType, Generated } from 'kysely';

/** Who read whose personal data (Art. 9, 2016 agreement). Append-only. */
export interface PersonalDataAccessTable {
  id: Generated<string>;
  case_id: string;
  actor: string;
  party: string;
  roles: string[];
  /** The verified `iss` and `kid` of the reader's token (null on rows older than them). */
  issuer: string | null;
  kid: string | null;
  resource: string;
  correlation_id: string;
  accessed_at: ColumnType<Date, never, never>;
}
