import type { Generated } from 'kysely';

/**
 * Named cursors of the integrity check: where the plain GET /v1/audit/integrity resumes
 * re-reading when the log is too large for one request (`name = 'integrity-reread'`).
 */
export interface ChainVerificationsTable {
  name: string;
  /** int8: the last chain link (seq) re-read. */
  seq: string;
  hash: string;
  verified_at: Generated<Date>;
}
