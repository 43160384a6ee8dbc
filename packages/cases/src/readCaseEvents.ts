import type { EventRow, Executor, ReadStreamOptions, RecordedEvent } from '@cco/event-store';
import { toRecordedEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { needsKey, openStored } from './storedForm';
import { loadSubjectKey, subjectKeyOf, type SubjectKey } from './subjectKeys';

type KeyedRow = EventRow & { key_case: string | null; wrapped_key: Buffer | null; destroyed_at: Date | null };

/**
 * A case's events as readers see them: upcast, personal data opened (or erased). One query: the
 * stream (as readStream reads it) with its subject's key row (or erasure) joined to the filing, so a
 * command's read of its case is one round trip, not two.
 */
export async function readCaseEvents(
  db: Executor<any>,
  kek: Buffer,
  caseId: string,
  options: ReadStreamOptions = {},
): Promise<RecordedEvent[]> {
  return (await readCase(db, kek, caseId, options)).events;
}

/**
 * readCaseEvents with the subject's key it opened them with, which a command on a victim's case
 * seals its free text under. One query: the stream (as readStream reads it) with its subject's
 * key row joined to the filing, so a command's read of its case is one round trip, not two.
 */
export async function readCase(
  db: Executor<any>,
  kek: Buffer,
  caseId: string,
  options: ReadStreamOptions = {},
): Promise<{ events: RecordedEvent[]; key: SubjectKey }> {
  const asOf = options.recordedAtOrBefore ? sql`and e.recorded_at <= ${options.recordedAtOrBefore}` : sql``;
  const upTo = options.toVersion !== undefined ? sql`and e.stream_version <= ${options.toVersion}` : sql``;
  const { rows } = await sql<KeyedRow>`
    select e.position, e.transaction_id, e.event_id, e.stream_id, e.stream_version, e.type, e.schema_version, e.data, e.metadata,
           e.occurred_at, e.recorded_at, coalesce(k.case_id, x.case_id) as key_case, k.wrapped_key, x.destroyed_at
    from events e
      left join subject_keys k on e.type = 'RequestFiled' and k.case_id = e.stream_id
      left join erased_subjects x on e.type = 'RequestFiled' and x.case_id = e.stream_id
    where e.stream_id = ${caseId} ${asOf} ${upTo}
    order by e.stream_version`.execute(db);
  const keyRow = rows.find((r) => r.key_case !== null);
  const key = subjectKeyOf(kek, caseId, keyRow ?? undefined);
  return { events: rows.map((row) => openStored(toRecordedEvent(row), key)), key };
}

/** Opens stored events of any cases (a page of the global log): one key look-up per case. */
export async function openEvents(db: Executor<any>, kek: Buffer, events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const keys = new Map<string, SubjectKey>();
  for (const event of events) {
    if (needsKey(event) && !keys.has(event.streamId)) keys.set(event.streamId, await loadSubjectKey(db, kek, event.streamId));
  }
  return events.map((event) => openStored(event, keys.get(event.streamId) ?? { state: 'absent' }));
}
