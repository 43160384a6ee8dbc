import { randomBytes } from 'node:crypto';
import type { AlongsideWrite, Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { unwrapKey, wrapKey } from './seal';
import type { CaseRecordTables } from './subjectKeys.table';

/** A subject's data key, or why there is none. */
export type SubjectKey = { state: 'present'; key: Buffer } | { state: 'destroyed'; destroyedAt: Date } | { state: 'absent' };

const context = (caseId: string) => `cco:subject-key:${caseId}`;

/**
 * The data key for a new case's subject, and the write that stores it (wrapped) with the
 * filing: pass `write` to appendToStream's `alongside`, so no case exists without its key.
 */
export function newSubjectKey(kek: Buffer, caseId: string): { key: Buffer; write: AlongsideWrite } {
  const key = randomBytes(32);
  const wrapped = wrapKey(kek, context(caseId), key);
  return { key, write: (claimed) => sql`insert into subject_keys (case_id, wrapped_key) select ${caseId}, ${wrapped} from ${claimed}` };
}

/**
 * The data keys of many new cases at once (a bulk import): one insert per 10,000 cases. A case
 * that already has a key keeps it and is left out of the map returned (it is not a new case).
 */
export async function createSubjectKeys(db: Executor<any>, kek: Buffer, caseIds: readonly string[]): Promise<Map<string, Buffer>> {
  const keys = new Map(caseIds.map((caseId) => [caseId, randomBytes(32)] as const));
  const rows = [...keys].map(([caseId, key]) => ({ case_id: caseId, wrapped_key: wrapKey(kek, context(caseId), key) }));
  const created = new Map<string, Buffer>();
  for (let i = 0; i < rows.length; i += 10_000) {
    const inserted = await (db as Executor<CaseRecordTables>)
      .insertInto('subject_keys')
      .values(rows.slice(i, i + 10_000))
      .onConflict((c) => c.column('case_id').doNothing())
      .returning('case_id')
      .execute();
    for (const { case_id } of inserted) created.set(case_id, keys.get(case_id)!);
  }
  return created;
}

export async function loadSubjectKey(db: Executor<any>, kek: Buffer, caseId: string): Promise<SubjectKey> {
  const row = await (db as Executor<CaseRecordTables>)
    .selectFrom('subject_keys')
    .select(['wrapped_key', 'destroyed_at'])
    .where('case_id', '=', caseId)
    .executeTakeFirst();
  return subjectKeyOf(kek, caseId, row);
}

/** The key a subject_keys row holds (the row read by the caller, e.g. joined to the events). */
export function subjectKeyOf(
  kek: Buffer,
  caseId: string,
  row: { wrapped_key: Buffer | null; destroyed_at: Date | null } | undefined,
): SubjectKey {
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

/** destroySubjectKey as a write alongside the append of the event that records the erasure. */
export function destroySubjectKeyAlongside(caseId: string): AlongsideWrite {
  return (claimed) => sql`update subject_keys set wrapped_key = null, destroyed_at = now()
    from ${claimed} where case_id = ${caseId} and wrapped_key is not null`;
}
