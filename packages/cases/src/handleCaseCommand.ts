import { decide, fold, type CaseCommand, type DomainError } from '@cco/domain';
import {
  destroySubjectKeyAlongside,
  newSubjectKey,
  openStored,
  readCaseEvents,
  sealForStorage,
  toDomainEvent,
  type SubjectKey,
} from '@cco/case-records';
import { appendToStream, type AppendResult, type Executor, type RecordedEvent } from '@cco/event-store';
import type { Kysely } from 'kysely';
import { recordAccess, recordAccessAlongside } from '../accessLog/recordAccess';
import type { Caller } from '../plugins/auth';
import { findAnswer, isKeyTaken, rememberAnswer, type IdempotencyClaim } from '../idempotency/idempotency';
import type { ApiTables } from '../tables';

/** A command as the caller asks for it: executeCommand adds who, and the server's clock. */
export type CommandIntent = WithoutClock<CaseCommand>;
type WithoutClock<C> = C extends CaseCommand ? Omit<C, 'actor' | 'now' | 'occurredAt'> : never;

export interface CommandRequest {
  caseId: string;
  /** Who, and which issuer and key vouched for them: recorded in each event's metadata. */
  actor: Caller;
  /** Filing creates the stream; every other command needs it to exist. */
  creates: boolean;
  /** From If-Match: the versions the client would act on (none: refused); undefined, any. */
  expectedVersions?: readonly number[] | undefined;
  command: CommandIntent;
  /** Business time, when the client gives one; otherwise the server's clock at the decision. */
  occurredAt?: Date | undefined;
  correlationId: string;
  idempotency?: IdempotencyClaim | undefined;
}

/**
 * What became of a command. `done`: the case as the command left it (a replay: as the first
 * request with its Idempotency-Key left it, which may be another case id than the one asked
 * for, since a retried filing made up a new one). Otherwise why it was refused; nothing written.
 */
export type CommandOutcome = { kind: 'done'; caseId: string; events: RecordedEvent[]; version: number; replayed: boolean } | CommandRefusal;

export type CommandRefusal =
  | { kind: 'not_found'; caseId: string }
  /** If-Match names other versions than the case's (none at all: `expected` is empty). */
  | { kind: 'version_mismatch'; version: number; expected: readonly number[] }
  /** If-Match was met, but the case moved while the command was decided. */
  | { kind: 'moved'; actual: number | null }
  | { kind: 'rejected'; error: DomainError }
  /** A filing whose made-up id is taken. */
  | { kind: 'exists'; caseId: string }
  /** Lost the race to other writers of the case every time it was tried. */
  | { kind: 'contended'; attempts: number }
  /** The Idempotency-Key was first used with another request. */
  | { kind: 'key_reused' };

export interface CommandDeps {
  database: { db: Kysely<ApiTables> };
  /** Wraps the data key a filing creates for its subject. */
  personalDataKey: Buffer;
  /** Called once the command's events have committed: wakes the log's readers. */
  announceAppend?: () => void;
}

const maxAttempts = 5;

/**
 * load → fold → decide → append, with optimistic concurrency. A command that loses a race is
 * decided again on the new state (the case may still allow it), unless the client pinned a
 * version with If-Match, which is then refused (`moved`). The idempotency key is written by the
 * same statement as the events, so a retry either finds both or neither.
 */
export async function executeCommand(
  { database: { db }, personalDataKey: kek, announceAppend }: CommandDeps,
  request: CommandRequest,
): Promise<CommandOutcome> {
  // An Idempotency-Key is not looked up first: a retry is rare, a first attempt is not. A retry
  // whose command can no longer be decided (the usual case: its events are what moved the case)
  // is answered from its key's first answer on the way out (`refuse`); one that could be decided
  // again is undone whole when its key's insert finds the key taken, and answers as the first.
  // Either way the first answer, and no second event, as when the key was looked up first.
  for (let attempt = 1; ; attempt++) {
    // A filing creates its case under an id the route has just made up: nothing to read.
    const history = request.creates ? [] : await readCaseEvents(db, kek, request.caseId);
    // Not found before a failed precondition: there is no version to compare with.
    if (!request.creates && history.length === 0) return refuse(db, kek, request, { kind: 'not_found', caseId: request.caseId });
    const version = history.length;
    if (request.expectedVersions !== undefined && !request.expectedVersions.includes(version)) {
      return refuse(db, kek, request, { kind: 'version_mismatch', version, expected: request.expectedVersions });
    }
    // Time enters the domain with the command: the server's clock, on each attempt.
    const now = new Date();
    const command = { ...request.command, actor: request.actor, now, occurredAt: request.occurredAt ?? now } as CaseCommand;
    const decision = decide(fold(history.map(toDomainEvent)), command);
    if (!decision.ok) {
      // A retry, or a concurrent request with the same key that won: its events are what made
      // this command invalid, and its key committed with them, so answer as it did.
      return refuse(db, kek, request, { kind: 'rejected', error: decision.error });
    }

    const causationId = history.at(-1)?.id ?? null;
    const newEvents = decision.events.map((e) => ({
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: {
        actor: request.actor.id,
        party: request.actor.party,
        roles: request.actor.roles,
        issuer: request.actor.issuer,
        kid: request.actor.kid,
        correlationId: request.correlationId,
        causationId,
      },
    }));
    const streamType = history.length === 0 ? (decision.events[0]?.data as { kind: string }).kind : 'case';
    // The whole command is ONE statement, atomic without an explicit transaction: the events,
    // and alongside them (only if the stream was still at `version`) the new subject's key, the
    // destroyed key of an erasure, the idempotency key and the access-log row of the answer.
    const erases = decision.events.some((e) => e.type === 'PersonalDataErased');
    const subjectKey = version === 0 ? newSubjectKey(kek, request.caseId) : null;
    const nextVersion = version + newEvents.length;
    const alongside = [
      ...(subjectKey ? [subjectKey.write] : []),
      ...(erases ? [destroySubjectKeyAlongside(request.caseId)] : []),
      ...(request.idempotency ? [rememberAnswer(request.idempotency, request.caseId, nextVersion)] : []),
      recordAccessAlongside(request.actor, request.caseId, 'command-answer', request.correlationId),
    ];
    const stored = newEvents.map((e) => sealForStorage(request.caseId, e, subjectKey?.key ?? null));
    let appended: AppendResult;
    try {
      appended = await appendToStream(db, request.caseId, streamType, version === 0 ? 'no_stream' : version, stored, { alongside });
    } catch (error) {
      // A request with the same key committed first (this one waited for it): nothing of this
      // one was written; answer as the first did.
      if (!isKeyTaken(error)) throw error;
      const replay = await replayed(db, request, kek);
      if (!replay) throw error;
      return replay;
    }
    if (appended.ok) {
      announceAppend?.();
      // Crypto-shredding: the answer is read back through the destroyed key, as everyone sees
      // the case from now on. Otherwise it is made from the rows as stored (jsonb's key order),
      // opened: byte for byte what a replay of this request's key will read back.
      const key: SubjectKey = subjectKey ? { state: 'present', key: subjectKey.key } : { state: 'absent' };
      const events = erases
        ? await readCaseEvents(db, kek, request.caseId, { toVersion: nextVersion })
        : [...history, ...appended.events.map((e) => openStored(e, key))];
      return { kind: 'done', caseId: request.caseId, events, version: nextVersion, replayed: false };
    }
    const replay = await replayed(db, request, kek);
    if (replay) return replay;
    if (request.creates && version === 0) return { kind: 'exists', caseId: request.caseId };
    if (request.expectedVersions !== undefined) return { kind: 'moved', actual: appended.error.actual };
    if (attempt >= maxAttempts) return { kind: 'contended', attempts: attempt };
  }
}

/** A command that cannot go ahead: the first answer when its key has one, else the refusal. */
async function refuse(db: Executor<ApiTables>, kek: Buffer, request: CommandRequest, refusal: CommandRefusal): Promise<CommandOutcome> {
  return (await replayed(db, request, kek)) ?? refusal;
}

/**
 * The first answer to this request's key, if it has one: the case as that command left it,
 * read again from the log (opened, or erased since), the read recorded as a replay.
 */
async function replayed(db: Executor<ApiTables>, request: CommandRequest, kek: Buffer): Promise<CommandOutcome | null> {
  const claim = request.idempotency;
  const found = claim && (await findAnswer(db, claim));
  if (!found) return null;
  if (found.requestHash !== claim.requestHash) return { kind: 'key_reused' };
  const events = await readCaseEvents(db, kek, found.caseId, { toVersion: found.version });
  await recordAccess(db, request.actor, [found.caseId], 'command-replay', request.correlationId);
  return { kind: 'done', caseId: found.caseId, events, version: found.version, replayed: true };
}
