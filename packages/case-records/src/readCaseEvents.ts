import type { Executor, ReadStreamOptions, RecordedEvent } from '@cco/event-store';
import { readStream } from '@cco/event-store';
import { needsKey, openStored } from './storedForm';
import { loadSubjectKey, type SubjectKey } from './subjectKeys';

/** A case's events as readers see them: upcast, personal data opened (or erased). */
export async function readCaseEvents(db: Executor<any>, kek: Buffer, caseId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
  return openEvents(db, kek, await readStream(db, caseId, options));
}

/** Opens stored events of any cases (a page of the global log): one key look-up per case. */
export async function openEvents(db: Executor<any>, kek: Buffer, events: RecordedEvent[]): Promise<RecordedEvent[]> {
  const keys = new Map<string, SubjectKey>();
  for (const event of events) {
    if (needsKey(event) && !keys.has(event.streamId)) keys.set(event.streamId, await loadSubjectKey(db, kek, event.streamId));
  }
  return events.map((event) => openStored(event, keys.get(event.streamId) ?? { state: 'absent' }));
}
