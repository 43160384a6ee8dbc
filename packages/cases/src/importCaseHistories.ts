import { caseEventTypes, checkHistory, fold, type CaseEvent, type DomainError } from '@cco/domain';
import { importEvents, type Executor, type ExpectedVersion, type ImportResult, type NewEvent } from '@cco/event-store';
import { importChain } from '@cco/transparency-log';
import { sql } from 'kysely';
import { actorOf, caseStreamType } from './caseStream';
import { readCase, readCaseEvents } from './readCaseEvents';
import { toDomainEvent } from './toDomainEvent';
import { parseEventData } from './shapes/eventData';
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

/** A case whose history the deciders would not have produced: nothing of the import is stored. */
export interface ImportRejection {
  caseId: string;
  /** The first offending event, counted from 0 in the history given. */
  index: number;
  error: DomainError;
}

export type CaseImportResult = ImportResult | { ok: false; rejected: ImportRejection };

/**
 * Every event's data checked with the API's own shapes (eventData.ts): unknown fields, lengths,
 * characters and formats as a live command would be refused for them. The histories with their
 * data as the API would have stored it (defaults filled in), or the first event that fails.
 */
export function shapeCaseHistories(
  histories: readonly CaseHistory[],
): { ok: true; histories: CaseHistory[] } | { ok: false; rejected: ImportRejection } {
  const shaped: CaseHistory[] = [];
  for (const h of histories) {
    const events: NewEvent[] = [];
    for (const [index, e] of h.events.entries()) {
      const checked = parseEventData(e.type, e.data);
      if (!checked.ok)
        return {
          ok: false,
          rejected: { caseId: h.caseId, index, error: { code: 'rule_violation', rule: 'import-shape', message: checked.message } },
        };
      events.push({ ...e, data: checked.data });
    }
    shaped.push({ ...h, events });
  }
  return { ok: true, histories: shaped };
}

/**
 * Checks every event's shape (shapeCaseHistories), then replays every history through the deciders (an existing case from its stored events), with
 * `now` as the time of recording: the first case that breaks a rule, or undefined. The same
 * rules as live commands: who may act, order, chronology, warrant, dual criminality, dates.
 */
export async function checkCaseHistories(
  db: Executor<any>,
  kek: Buffer,
  histories: readonly CaseHistory[],
  now: Date,
): Promise<ImportRejection | undefined> {
  const shaped = shapeCaseHistories(histories);
  return shaped.ok ? checkShapedHistories(db, kek, shaped.histories, now) : shaped.rejected;
}

async function checkShapedHistories(
  db: Executor<any>,
  kek: Buffer,
  histories: readonly CaseHistory[],
  now: Date,
): Promise<ImportRejection | undefined> {
  for (const h of histories) {
    const fresh = (h.expectedVersion ?? 'no_stream') === 'no_stream';
    const stored = fresh ? [] : await readCaseEvents(db, kek, h.caseId);
    // Not where the history expects it: the store refuses it for that, as it does any append.
    if (!fresh && stored.length !== h.expectedVersion) continue;
    const state = fold(stored.map(toDomainEvent));
    const attributed = h.events.map((e) => ({
      event: { type: e.type, occurredAt: e.occurredAt, data: e.data } as CaseEvent,
      actor: actorOf(e.metadata),
    }));
    const checked = checkHistory(attributed, now, h.caseId, state);
    if (!checked.ok) return { caseId: h.caseId, index: checked.index, error: checked.error };
  }
  return undefined;
}

/**
 * Back-fills case histories in ONE transaction, stored exactly as commands store them: each
 * new case gets its subject's data key (wrapped by `kek`) in the same transaction as its
 * filing, the filing's personal data is sealed under it, every event gets its stored schema
 * version; then `importEvents` writes the events with the store's invariants (expected
 * versions, commit-safe order, immutability) and links them into the hash chain. All or nothing:
 * a case not at its expected version leaves no key and no event behind.
 */
export async function importCaseHistories(
  db: Executor<any>,
  kek: Buffer,
  given: readonly CaseHistory[],
  options: { now?: Date } = {},
): Promise<CaseImportResult> {
  for (const h of given) {
    const filings = h.events.filter((e) => e.type === 'RequestFiled').length;
    const unknown = h.events.find((e) => !knownTypes.has(e.type));
    if (unknown) throw new Error(`case ${h.caseId}: ${unknown.type} is not a case event type`);
    const fresh = (h.expectedVersion ?? 'no_stream') === 'no_stream';
    if (fresh ? h.events[0]?.type !== 'RequestFiled' || filings !== 1 : filings !== 0) {
      throw new Error(`case ${h.caseId}: a new case starts with its one RequestFiled, and only a new case has one`);
    }
  }
  // Stored as the API would store them: the shapes checked, their defaults filled in.
  const shaped = shapeCaseHistories(given);
  if (!shaped.ok) return shaped;
  const { histories } = shaped;
  const run = async (trx: Executor<any>): Promise<CaseImportResult> => {
    const rejected = await checkShapedHistories(trx, kek, histories, options.now ?? new Date());
    if (rejected) return { ok: false, rejected };
    // The keys first, in the same transaction: a case never exists without its subject's key.
    const fresh = histories.filter((h) => (h.expectedVersion ?? 'no_stream') === 'no_stream');
    const keys = await createSubjectKeys(
      trx,
      kek,
      fresh.map((h) => h.caseId),
    );
    const taken = fresh.filter((h) => !keys.has(h.caseId));
    if (taken.length > 0) {
      // Those cases exist already: refused, like any stream not at its expected version.
      const { rows } = await sql<{ stream_id: string; version: string }>`
        select stream_id, version from streams where stream_id = any(${taken.map((h) => h.caseId)}::text[])`.execute(trx);
      const actual = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
      throw new Refused({
        ok: false,
        errors: taken.map((h) => ({
          type: 'WrongExpectedVersion',
          streamId: h.caseId,
          expected: 'no_stream',
          actual: actual.get(h.caseId) ?? null,
        })),
      });
    }
    const streams = [];
    for (const h of histories) {
      const created = keys.get(h.caseId);
      // A case extended: its kind and key as stored (a victim's free text is sealed under it).
      const existing = created ? undefined : await readCase(trx, kek, h.caseId, { toVersion: 1 });
      const filing = (created ? h.events[0] : existing?.events[0])?.data as { kind?: string } | undefined;
      const key = created ?? (existing?.key.state === 'present' ? existing.key.key : null);
      streams.push({
        streamId: h.caseId,
        streamType: caseStreamType(created !== undefined, h.events[0]),
        expectedVersion: h.expectedVersion ?? 'no_stream',
        events: h.events.map((e) => sealForStorage(h.caseId, e, key, filing?.kind)),
      });
    }
    // Linked into the hash chain in the same transaction: the chain covers the import at its commit.
    const result = await importEvents(trx, streams, { chain: importChain });
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
  constructor(readonly result: CaseImportResult) {
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
