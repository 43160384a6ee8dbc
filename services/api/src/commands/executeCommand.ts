import { decide, fold, type CaseCommand } from '@cco/domain';
import { destroySubjectKeyAlongside, newSubjectKey, openStored, readCaseEvents, sealForStorage, toDomainEvent, type SubjectKey } from '@cco/case-records';
import { appendToStream, type AppendResult, type Executor, type RecordedEvent } from '@cco/event-store';
import type { Kysely } from 'kysely';
import { recordAccess, recordAccessAlongside } from '../audit/recordAccess';
import { domainProblem, Problem } from '../errors';
import type { Caller } from '../plugins/auth';
import { findAnswer, isKeyTaken, rememberAnswer, type Answer, type IdempotencyClaim } from '../idempotency/idempotency';
import type { ApiTables } from '../tables';

export interface CommandRequest {
  caseId: string;
  /** Who, and which issuer and key vouched for them: recorded in each event's metadata. */
  actor: Caller;
  /** Filing creates the stream; every other command needs it to exist. */
  creates: boolean;
  /** From If-Match: the versions the client would act on (none: 412); undefined, any. */
  expectedVersions?: readonly number[] | undefined;
  /** Builds the command with the server's clock (time enters the domain with the command). */
  command: (now: Date) => CaseCommand;
  correlationId: string;
  idempotency?: IdempotencyClaim | undefined;
  /**
   * The answer to send, from the case's stream after the command; also how a replay answers,
   * from the case its key remembers (a retried filing's request made up another id).
   */
  respond: (caseId: string, events: RecordedEvent[]) => Answer;
}

const maxAttempts = 5;

/**
 * load → fold → decide → append, with optimistic concurrency. A command that loses a race is
 * decided again on the new state (the case may still allow it), unless the client pinned a
 * version with If-Match, which then answers 412. The idempotency key is written by the same
 * statement as the events, so a retry either finds both or neither.
 */
export interface CommandDeps {
  database: { db: Kysely<ApiTables> };
  /** Wraps the data key a filing creates for its subject. */
  personalDataKey: Buffer;
  /** Called once the command's events have committed: wakes the log's readers. */
  announceAppend?: () => void;
}

export async function executeCommand({ database: { db }, personalDataKey: kek, announceAppend }: CommandDeps, request: CommandRequest): Promise<Answer> {
  // An Idempotency-Key is not looked up first: a retry is rare, a first attempt is not. A retry
  // whose command can no longer be decided (the usual case: its events are what moved the case)
  // is answered from its key's first answer on the way out (`refuse`); one that could be decided
  // again is undone whole when its key's insert finds the key taken, and answers as the first.
  // Either way the first answer, and no second event, as when the key was looked up first.
  for (let attempt = 1; ; attempt++) {
    // A filing creates its case under an id the route has just made up: nothing to read.
    const history = request.creates ? [] : await readCaseEvents(db, kek, request.caseId);
    if (!request.creates && history.length === 0) return refuse(db, kek, request, new Problem('not_found', `No case ${request.caseId}`));
    const version = history.length;
    if (request.expectedVersions !== undefined && !request.expectedVersions.includes(version)) {
      const wanted = request.expectedVersions.length > 0 ? `not ${request.expectedVersions.join(' or ')}` : 'and If-Match names no version of it (a weak tag never matches)';
      return refuse(db, kek, request, new Problem('precondition_failed', `The case is at version ${version}, ${wanted}`));
    }
    const now = new Date();
    const command = request.command(now);
    const decision = decide(fold(history.map(toDomainEvent)), command);
    if (!decision.ok) {
      // A retry, or a concurrent request with the same key that won: its events are what made
      // this command invalid, and its key committed with them, so answer as it did.
      return refuse(db, kek, request, domainProblem(decision.error));
    }

    const causationId = history.at(-1)?.id ?? null;
    const newEvents = decision.events.map((e) => ({
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: { actor: request.actor.id, party: request.actor.party, roles: request.actor.roles, issuer: request.actor.issuer, kid: request.actor.kid, correlationId: request.correlationId, causationId },
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
      if (erases) return request.respond(request.caseId, await readCaseEvents(db, kek, request.caseId, { toVersion: nextVersion }));
      const key: SubjectKey = subjectKey ? { state: 'present', key: subjectKey.key } : { state: 'absent' };
      return request.respond(request.caseId, [...history, ...appended.events.map((e) => openStored(e, key))]);
    }
    const replay = await replayed(db, request, kek);
    if (replay) return replay;
    if (request.creates && version === 0) throw new Problem('invalid_state', `Case ${request.caseId} already exists`, { rule: 'lifecycle' });
    if (request.expectedVersions !== undefined) {
      throw new Problem('precondition_failed', `The case moved to version ${appended.error.actual} while this command was decided`);
    }
    if (attempt >= maxAttempts) throw new Problem('invalid_state', 'The case is changing too fast; try again', { rule: 'concurrency' });
  }
}

/** A command that cannot go ahead: the first answer when its key has one, else the problem. */
async function refuse(db: Executor<ApiTables>, kek: Buffer, request: CommandRequest, problem: Problem): Promise<Answer> {
  const replay = await replayed(db, request, kek);
  if (replay) return replay;
  throw problem;
}

/**
 * The first answer to this request's key, if it has one: the case as that command left it,
 * read again from the log (opened, or erased since), the read recorded as a replay.
 */
async function replayed(db: Executor<ApiTables>, request: CommandRequest, kek: Buffer): Promise<Answer | null> {
  const claim = request.idempotency;
  const found = claim && (await findAnswer(db, claim));
  if (!found) return null;
  if (found.requestHash !== claim.requestHash) {
    throw new Problem('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
  }
  const events = await readCaseEvents(db, kek, found.caseId, { toVersion: found.version });
  await recordAccess(db, request.actor, [found.caseId], 'command-replay', request.correlationId);
  return request.respond(found.caseId, events);
}
