import { decide, fold, type Actor, type CaseCommand } from '@cco/domain';
import { createSubjectKey, destroySubjectKey, readCaseEvents, sealForStorage, toDomainEvent } from '@cco/case-records';
import { appendToStream, type Executor, type RecordedEvent } from '@cco/event-store';
import type { Kysely } from 'kysely';
import { accessRows, recordAccess } from '../audit/recordAccess';
import { domainProblem, Problem } from '../errors';
import { findAnswer, saveAnswer, type Answer, type IdempotencyClaim } from '../idempotency/idempotency';
import type { ApiTables } from '../tables';

export interface CommandRequest {
  caseId: string;
  actor: Actor;
  /** Filing creates the stream; every other command needs it to exist. */
  creates: boolean;
  /** From If-Match: the version the client decided on. */
  expectedVersion?: number | undefined;
  /** Builds the command with the server's clock (time enters the domain with the command). */
  command: (now: Date) => CaseCommand;
  correlationId: string;
  idempotency?: IdempotencyClaim | undefined;
  /** The answer to send (and to store under the idempotency key), from the stream after the command. */
  respond: (events: RecordedEvent[]) => Answer;
}

const maxAttempts = 5;

/**
 * load → fold → decide → append, with optimistic concurrency. A command that loses a race is
 * decided again on the new state (the case may still allow it), unless the client pinned a
 * version with If-Match, which then answers 412. The idempotency key is saved in the same
 * transaction as the events, so a retry either finds both or neither.
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
  // is answered from the stored answer on the way out (`refuse`); one that could be decided
  // again is rolled back when its key's insert finds the first answer, which it then returns.
  // Either way the first answer, and no second event, as when the key was looked up first.
  for (let attempt = 1; ; attempt++) {
    // A filing creates its case under an id the route has just made up: nothing to read.
    const history = request.creates ? [] : await readCaseEvents(db, kek, request.caseId);
    if (!request.creates && history.length === 0) return refuse(db, request, new Problem('not_found', `No case ${request.caseId}`));
    const version = history.length;
    if (request.expectedVersion !== undefined && request.expectedVersion !== version) {
      return refuse(db, request, new Problem('precondition_failed', `The case is at version ${version}, not ${request.expectedVersion}`));
    }
    const now = new Date();
    const command = request.command(now);
    const decision = decide(fold(history.map(toDomainEvent)), command);
    if (!decision.ok) {
      // A retry, or a concurrent request with the same key that won: its events are what made
      // this command invalid, and its key committed with them, so answer as it did.
      return refuse(db, request, domainProblem(decision.error));
    }

    const causationId = history.at(-1)?.id ?? null;
    const newEvents = decision.events.map((e) => ({
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: { actor: command.actor.id, party: command.actor.party, roles: command.actor.roles, correlationId: request.correlationId, causationId },
    }));
    const streamType = history.length === 0 ? (decision.events[0]?.data as { kind: string }).kind : 'case';
    const outcome = await db.transaction().execute(async (trx) => {
      // A filing makes its subject's data key in the same transaction: no case without its key.
      const key = version === 0 ? await createSubjectKey(trx, kek, request.caseId) : null;
      const stored = newEvents.map((e) => sealForStorage(request.caseId, e, key));
      const appended = await appendToStream(trx, request.caseId, streamType, version === 0 ? 'no_stream' : version, stored);
      if (!appended.ok) return { kind: 'conflict', actual: appended.error.actual } as const;
      let answer: Answer;
      if (decision.events.some((e) => e.type === 'PersonalDataErased')) {
        // Crypto-shredding: the key goes in the same transaction as the event that records it;
        // the answer is read back through the destroyed key, as everyone will see it from now on.
        await destroySubjectKey(trx, request.caseId);
        answer = request.respond(await readCaseEvents(trx, kek, request.caseId));
      } else {
        // Answer from what was decided (in clear), not from the sealed rows just written.
        const written = appended.events.map((e, i) => ({ ...e, data: newEvents[i]!.data }));
        answer = request.respond([...history, ...written]);
      }
      // The answer carries the case's personal data: its read is recorded with the events, and
      // the answer saved under the key, in one statement (the same transaction either way).
      if (request.idempotency) {
        if (!(await saveAnswer(trx, request.idempotency, answer, accessRows(request.actor, [request.caseId], 'command-answer', request.correlationId)))) {
          throw new KeyRaceLost();
        }
      } else {
        await recordAccess(trx, request.actor, [request.caseId], 'command-answer', request.correlationId);
      }
      return { kind: 'appended', answer } as const;
    }).catch(async (error) => {
      if (!(error instanceof KeyRaceLost)) throw error;
      return { kind: 'replayed', answer: (await replayed(db, request))! } as const;
    });
    if (outcome.kind === 'appended') announceAppend?.();
    if (outcome.kind !== 'conflict') return outcome.answer;
    const replay = await replayed(db, request);
    if (replay) return replay;
    if (request.creates && version === 0) throw new Problem('invalid_state', `Case ${request.caseId} already exists`, { rule: 'lifecycle' });
    if (request.expectedVersion !== undefined) {
      throw new Problem('precondition_failed', `The case moved to version ${outcome.actual} while this command was decided`);
    }
    if (attempt >= maxAttempts) throw new Problem('invalid_state', 'The case is changing too fast; try again', { rule: 'concurrency' });
  }
}

/** A command that cannot go ahead: the first answer when its key has one, else the problem. */
async function refuse(db: Executor<ApiTables>, request: CommandRequest, problem: Problem): Promise<Answer> {
  const replay = await replayed(db, request);
  if (replay) return replay;
  throw problem;
}

/** A concurrent request with the same key committed first: roll back and answer as it did. */
class KeyRaceLost extends Error {}

async function replayed(db: Executor<ApiTables>, request: CommandRequest): Promise<Answer | null> {
  const claim = request.idempotency;
  const found = claim && (await findAnswer(db, claim));
  if (!found) return null;
  if (found.requestHash !== claim.requestHash) {
    throw new Problem('idempotency_key_reused', 'This Idempotency-Key was already used with a different request');
  }
  await recordAccess(db, request.actor, [request.caseId], 'command-replay', request.correlationId);
  return found.answer;
}
