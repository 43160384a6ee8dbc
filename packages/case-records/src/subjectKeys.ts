import { randomBytes } from 'node:crypto';
import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { unwrapKey, wrapKey } from './seal';
import type { CaseRecordTables } from './subjectKeys.table';

/** A subject's data key, or why there is none. */
export type SubjectKey = { state: 'present'; key: Buffer } | { state: 'destroyed'; destroyedAt: Date } | { state: 'absent' };

const context = (caseId: string) => `cco:subject-key:${caseId}`;

/** Makes the data key for a new case's subject; call it in the transaction that files the case. */
export async function createSubjectKey(db: Executor<any>, kek: Buffer, caseId: string): Promise<Buffer> {
  const key = randomBytes(32);
  await (db as Executor<CaseRecordTables>).insertInto('subject_keys').values({ case_id: caseId, wrapped_key: wrapKey(kek, context(caseId), key) }).execute();
  return key;
}

export async function loadSubjectKey(db: Executor<any>, kek: Buffer, caseId: string): Promise<SubjectKey> {
  const row = await (db as Executor<CaseRecordTables>).selectFrom('subject_keys').select(['wrapped_key', 'destroyed_at']).where('case_id', '=', caseId).executeTakeFirst();
  if (!row) return { state: 'absent' };
  if (!row.wrapped_key) return { state: 'destroyed', destroyedAt: row.destroyed_at! };
  return { state: 'present', key: unwrapKey(kek, context(caseId), row.wrapped_key) };
}

/**
 * Crypto-shredding: the only copy of the data key is overwritten, so every sealed copy of the
 * subject's data — in the log, in exports, on Kafka — becomes unreadable at once. Returns
 * false when there was no key left to destroy.
 */
export async function destroySubjectKey(db: Executor<any>, caseId: string): Promise<boolean> {
  const result = await sql`update subject_keys set wrapped_key = null, destroyed_at = now()
    where case_id = ${caseId} and wrapped_key is not null`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}
