import { caseEventTypes } from '@cco/domain';
import { importEvents, type Executor, type ExpectedVersion, type ImportResult, type NewEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { sealForStorage } from './storedForm';
import { createSubjectKeys } from './subjectKeys';

/** A case's historical events, in the clear, oldest first, as a back-fill brings them in. */
export interface CaseHistory {
  caseId: string;
  /** 'no_stream' (default): the history starts with the case's RequestFiled. A number: it extends the case from that version. */
  expectedVersion?: Exclude<ExpectedVersion, 'any'>;
  events: readonly NewEvent[];
}

const knownTypes = new Set<string>(caseEventTypes);

/**
 * Back-fills case histories in ONE transaction, stored exactly as commands store them: each
 * new case gets its subject's data key (wrapped by `kek`) in the same transaction as its
 * filing, the filing's personal data is sealed under it, every event gets its stored schema
 * version; then `importEvents` writes the events with the store's invariants (expected
 * versions, commit-safe order, immutability; the chainer links them afterwards). All or nothing:
 * a case not at its expected version leaves no key and no event behind.
 */
export async function importCaseHistories(db: Executor<any>, kek: Buffer, histories: readonly CaseHistory[]): Promise<ImportResult> {
  for (const h of histories) {
    const filings = h.events.filter((e) => e.type === 'RequestFiled').length;
    const unknown = h.events.find((e) => !knownTypes.has(e.type));
    if (unknown) throw new Error(`case ${h.caseId}: ${unknown.type} is not a case event type`);
    const fresh = (h.expectedVersion ?? 'no_stream') === 'no_stream';
    if (fresh ? h.events[0]?.type !== 'RequestFiled' || filings !== 1 : filings !== 0) {
      throw new Error(`case ${h.caseId}: a new case starts with its one RequestFiled, and only a new case has one`);
    }
  }
  const run = async (trx: Executor<any>): Promise<ImportResult> => {
    // The keys first, in the same transaction: a case never exists without its subject's key.
    const fresh = histories.filter((h) => (h.expectedVersion ?? 'no_stream') === 'no_stream');
    const keys = await createSubjectKeys(trx, kek, fresh.map((h) => h.caseId));
    const taken = fresh.filter((h) => !keys.has(h.caseId));
    if (taken.length > 0) {
      // Those cases exist already: refused, like any stream not at its expected version.
      const { rows } = await sql<{ stream_id: string; version: string }>`
        select stream_id, version from streams where stream_id = any(${taken.map((h) => h.caseId)}::text[])`.execute(trx);
      const actual = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
      throw new Refused({
        ok: false,
        errors: taken.map((h) => ({ type: 'WrongExpectedVersion', streamId: h.caseId, expected: 'no_stream', actual: actual.get(h.caseId) ?? null })),
      });
    }
    const streams = histories.map((h) => {
      const key = keys.get(h.caseId) ?? null;
      const filed = h.events[0]?.data as { kind?: string } | undefined;
      return {
        streamId: h.caseId,
        // As executeCommand names them: the kind for a new case ('case' is only ever a fallback).
        streamType: key ? (filed?.kind ?? 'case') : 'case',
        expectedVersion: h.expectedVersion ?? 'no_stream',
        events: h.events.map((e) => sealForStorage(h.caseId, e, e.type === 'RequestFiled' ? key : null)),
      };
    });
    const result = await importEvents(trx, streams);
    // Refused: undo the keys too (the caller's transaction, or ours, must not keep them).
    if (!result.ok) throw new Refused(result);
    return result;
  };
  try {
    return db.isTransaction ? await savepoint(db, run) : await db.transaction().execute(run);
  } catch (error) {
    if (error instanceof Refused) return error.result;
    throw error;
  }
}

class Refused extends Error {
  constructor(readonly result: ImportResult) {
    super('refused');
  }
}

async function savepoint<T>(trx: Executor<any>, work: (trx: Executor<any>) => Promise<T>): Promise<T> {
  await sql`savepoint cco_import_cases`.execute(trx);
  try {
    const result = await work(trx);
    await sql`release savepoint cco_import_cases`.execute(trx);
    return result;
  } catch (error) {
    await sql`rollback to savepoint cco_import_cases`.execute(trx);
    throw error;
  }
}
