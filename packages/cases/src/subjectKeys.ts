import { randomBytes } from 'node:crypto';
import type { AlongsideWrite, Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { keyFingerprint } from './keyEncryptionKey';
import { unwrapKey, wrapKey } from './seal';
import type { CaseRecordTables } from './subjectKeys.table';

/** A subject's data key, or why there is none. */
export type SubjectKey = { state: 'present'; key: Buffer } | { state: 'destroyed'; destroyedAt: Date } | { state: 'absent' };

/** The AES-GCM context a subject key is wrapped under (the rotation re-wraps under the same). */
export const wrappingContext = (caseId: string) => `cco:subject-key:${caseId}`;

/**
 * The epoch a key is wrapped under: that of `kek` if it is the current one. A retired key finds
 * none (NULL, refused by the column), so a process still running on a rotated-out key cannot
 * mix keys into the store. Before any epoch is recorded, 1: the first start checks that its
 * key opens what was stored before it records itself as epoch 1 (checkPersonalDataKey).
 */
const epochOf = (kek: Buffer) => sql<number>`coalesce(
  (select epoch from personal_data_keys where fingerprint = ${keyFingerprint(kek)} and retired_at is null),
  case when not exists (select from personal_data_keys) then 1 end)`;

/**
 * The data key for a new case's subject, and the write that stores it (wrapped) with the
 * filing: pass `write` to appendToStream's `alongside`, so no case exists without its key.
 */
export function newSubjectKey(kek: Buffer, caseId: string): { key: Buffer; write: AlongsideWrite } {
  const key = randomBytes(32);
  const wrapped = wrapKey(kek, wrappingContext(caseId), key);
  return {
    key,
    write: (claimed) =>
      sql`insert into subject_keys (case_id, wrapped_key, kek_epoch) select ${caseId}, ${wrapped}, ${epochOf(kek)} from ${claimed}`,
  };
}

/**
 * The data keys of many new cases at once (a bulk import): one insert per 10,000 cases. A case
 * that already has a key keeps it and is left out of the map returned (it is not a new case).
 */
export async function createSubjectKeys(db: Executor<any>, kek: Buffer, caseIds: readonly string[]): Promise<Map<string, Buffer>> {
  const keys = new Map(caseIds.map((caseId) => [caseId, randomBytes(32)] as const));
  const epoch = epochOf(kek);
  const rows = [...keys].map(([caseId, key]) => ({
    case_id: caseId,
    wrapped_key: wrapKey(kek, wrappingContext(caseId), key),
    kek_epoch: epoch,
  }));
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

/** A subject's key row as readers join it: the wrapped key, or when it was destroyed. */
export interface SubjectKeyRow {
  wrapped_key: Buffer | null;
  destroyed_at: Date | null;
}

export async function loadSubjectKey(db: Executor<any>, kek: Buffer, caseId: string): Promise<SubjectKey> {
  const { rows } = await sql<SubjectKeyRow>`
    select k.wrapped_key, null::timestamptz as destroyed_at from subject_keys k where k.case_id = ${caseId}
    union all
    select null, x.destroyed_at from erased_subjects x where x.case_id = ${caseId}`.execute(db);
  return subjectKeyOf(kek, caseId, rows[0]);
}

/** The key a subject's row holds (the row read by the caller, e.g. joined to the events). */
export function subjectKeyOf(kek: Buffer, caseId: string, row: SubjectKeyRow | undefined): SubjectKey {
  if (row?.wrapped_key) return { state: 'present', key: unwrapKey(kek, wrappingContext(caseId), row.wrapped_key) };
  if (row?.destroyed_at) return { state: 'destroyed', destroyedAt: row.destroyed_at };
  return { state: 'absent' };
}

/**
 * Crypto-shredding: the only copy of the data key is deleted, so every sealed copy of the
 * subject's data — in the log, in exports, on Kafka — becomes unreadable at once; the erasure
 * is kept in erased_subjects, pending purge until a VACUUM removes the deleted row's last
 * version (purgeErasedKeys). Returns false when there was no key left to destroy.
 */
export async function destroySubjectKey(db: Executor<any>, caseId: string): Promise<boolean> {
  const { rows } = await sql<{ case_id: string }>`
    with gone as (delete from subject_keys where case_id = ${caseId} returning case_id)
    insert into erased_subjects (case_id) select case_id from gone on conflict (case_id) do nothing
    returning case_id`.execute(db);
  return rows.length === 1;
}

/**
 * destroySubjectKey as writes alongside the append of the event that records the erasure: the
 * key row deleted, the erasure recorded (two writes: a statement's writes cannot nest).
 */
export function destroySubjectKeyAlongside(caseId: string): AlongsideWrite[] {
  return [
    (claimed) => sql`delete from subject_keys using ${claimed} where case_id = ${caseId}`,
    (claimed) => sql`insert into erased_subjects (case_id) select ${caseId} from ${claimed} on conflict (case_id) do nothing`,
  ];
}
