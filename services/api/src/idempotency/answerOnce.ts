import { handleCaseCommand, readCaseEvents, type CaseCommandOutcome, type CaseCommandRefusal, type CaseCommandRequest } from '@cco/cases';
import type { Executor, RecordedEvent } from '@cco/event-store';
import type { Kysely } from 'kysely';
import { recordAccess, recordAccessAlongside } from '../accessLog/recordAccess';
import type { Caller } from '../plugins/auth';
import type { ApiTables } from '../tables';
import { findAnswer, isKeyTaken, rememberAnswer, type IdempotencyClaim } from './idempotency';

export type { CommandIntent } from '@cco/cases';

export interface CommandRequest extends Omit<CaseCommandRequest, 'alongside' | 'actor'> {
  actor: Caller;
  idempotency?: IdempotencyClaim | undefined;
}

/**
 * What the API answers a command with. `done`: the case as the command left it (a replay: as
 * the first request with its Idempotency-Key left it, which may be another case id than the one
 * asked for, since a retried filing made up a new one). Otherwise why it was refused.
 */
export type CommandOutcome = { kind: 'done'; caseId: string; events: RecordedEvent[]; version: number; replayed: boolean } | CommandRefusal;

export type CommandRefusal =
  | CaseCommandRefusal
  /** The Idempotency-Key was first used with another request. */
  | { kind: 'key_reused' };

export interface CommandDeps {
  database: { db: Kysely<ApiTables> };
  /** Wraps the data key a filing creates for its subject. */
  personalDataKey: Buffer;
  /** Called once the command's events have committed: wakes the log's readers. */
  announceAppend?: () => void;
  /** Called once an erasure has committed: the deleted key row's versions are to be vacuumed away. */
  erasureCommitted?: () => void;
}

/**
 * A command through handleCaseCommand, answered once per Idempotency-Key: the key and the
 * access-log row of the answer are written by the same statement as the events, so a retry
 * either finds both or neither.
 */
export async function answerOnce(
  { database: { db }, personalDataKey, announceAppend, erasureCommitted }: CommandDeps,
  request: CommandRequest,
): Promise<CommandOutcome> {
  const { idempotency, ...command } = request;
  // An Idempotency-Key is not looked up first: a retry is rare, a first attempt is not. A retry
  // whose command can no longer be decided (the usual case: its events are what moved the case)
  // is answered from its key's first answer on the way out; one that could be decided again is
  // undone whole when its key's insert finds the key taken, and answers as the first. Either
  // way the first answer, and no second event, as when the key was looked up first.
  let outcome: CaseCommandOutcome;
  try {
    outcome = await handleCaseCommand(
      { db, personalDataKey, ...(announceAppend ? { announceAppend } : {}), ...(erasureCommitted ? { erasureCommitted } : {}) },
      {
        ...command,
        alongside: (nextVersion) => [
          ...(idempotency ? [rememberAnswer(idempotency, request.caseId, nextVersion)] : []),
          recordAccessAlongside(request.actor, request.caseId, 'command-answer', request.correlationId),
        ],
      },
    );
  } catch (error) {
    // A request with the same key committed first (this one waited for it): nothing of this
    // one was written; answer as the first did.
    if (!isKeyTaken(error)) throw error;
    const replay = await replayed(db, personalDataKey, request);
    if (!replay) throw error;
    return replay;
  }
  if (outcome.kind === 'done') return { ...outcome, replayed: false };
  // A retry, or a concurrent request with the same key that won: its events are what made this
  // command fail, and its key committed with them, so answer as it did.
  return (await replayed(db, personalDataKey, request)) ?? outcome;
}

/**
 * The first answer to this request's key, if it has one: the case as that command left it,
 * read again from the log (opened, or erased since), the read recorded as a replay.
 */
async function replayed(db: Executor<ApiTables>, kek: Buffer, request: CommandRequest): Promise<CommandOutcome | null> {
  const claim = request.idempotency;
  const found = claim && (await findAnswer(db, claim));
  if (!found) return null;
  if (found.requestHash !== claim.requestHash) return { kind: 'key_reused' };
  const events = await readCaseEvents(db, kek, found.caseId, { toVersion: found.version });
  await recordAccess(db, request.actor, [found.caseId], 'command-replay', request.correlationId);
  return { kind: 'done', caseId: found.caseId, events, version: found.version, replayed: true };
}
