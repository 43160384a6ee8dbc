import { decide, fold, type Actor, type CaseCommand } from '@cco/domain';
import { createSubjectKey, destroySubjectKey, readCaseEvents, sealForStorage, toDomainEvent } from '@cco/case-records';
import { appendToStream, type Executor, type RecordedEvent } from '@cco/event-store';
import type { Kysely } from 'kysely';
import { recordAccess } from '../audit/recordAccess';
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
}

export async function executeCommand({ database: { db }, personalDataKey: kek }: CommandDeps, request: CommandRequest): Promise<Answer> {
  const first = await replayed(db, request);
  if (first) return first;
  for (let attempt = 1; ; attempt++) {
    const history = await readCaseEvents(db, kek, request.caseId);
    if (!request.creates && history.length === 0) throw new Problem('not_found', `No case ${request.caseId}`);
    const version = history.length;
    if (request.expectedVersion !== undefined && request.expectedVersion !== version) {
      throw new Problem('precondition_failed', `The case is at version ${version}, not ${request.expectedVersion}`);
    }
    const now = new Date();
    const command = request.command(now);
    const decision = decide(fold(history.map(toDomainEvent)), command);
    if (!decision.ok) {
      // A concurrent retry with the same key may have won: its events are what made this
      // command invalid, and its key committed with them, so answer as it did.
      const replay = await replayed(db, request);
      if (replay) return replay;
      throw domainProblem(decision.error);
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
      // The answer carries the case's personal data: its read is recorded with the events.
      await recordAccess(trx, request.actor, [request.caseId], 'command-answer', request.correlationId);
      if (request.idempotency && !(await saveAnswer(trx, request.idempotency, answer))) {
        throw new KeyRaceLost();
      }
      return { kind: 'done', answer } as const;
    }).catch(async (error) => {
      if (!(error instanceof KeyRaceLost)) throw error;
      return { kind: 'done', answer: (await replayed(db, request))! } as const;
    });
    if (outcome.kind === 'done') return outcome.answer;
    const replay = await replayed(db, request);
    if (replay) return replay;
    if (request.creates && version === 0) throw new Problem('invalid_state', `Case ${request.caseId} already exists`, { rule: 'lifecycle' });
    if (request.expectedVersion !== undefined) {
      throw new Problem('precondition_failed', `The case moved to version ${outcome.actual} while this command was decided`);
    }
    if (attempt >= maxAttempts) throw new Problem('invalid_state', 'The case is changing too fast; try again', { rule: 'concurrency' });
  }
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
