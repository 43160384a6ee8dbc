import { decide, fold, type CaseCommand, type DomainError } from '@cco/domain';
import { appendToStream, type AlongsideWrite, type AppendResult, type Executor, type RecordedEvent } from '@cco/event-store';
import { caseEventMetadata, caseStreamType, type CaseActor } from './caseStream';
import { readCase, readCaseEvents } from './readCaseEvents';
import { openStored, sealForStorage } from './storedForm';
import { destroySubjectKeyAlongside, newSubjectKey, type SubjectKey } from './subjectKeys';
import { toDomainEvent } from './toDomainEvent';

/** A command as the caller asks for it: the handler adds who, and the server's clock. */
export type CommandIntent = WithoutClock<CaseCommand>;
type WithoutClock<C> = C extends CaseCommand ? Omit<C, 'actor' | 'now' | 'occurredAt'> : never;

export interface CaseCommandRequest {
  caseId: string;
  /** Who, and which issuer and key vouched for them: recorded in each event's metadata. */
  actor: CaseActor;
  /** Filing creates the stream; every other command needs it to exist. */
  creates: boolean;
  /** The versions the caller would act on (none: refused); undefined, any. */
  expectedVersions?: readonly number[] | undefined;
  command: CommandIntent;
  /** Business time, when the client gives one; otherwise the server's clock at the decision. */
  occurredAt?: Date | undefined;
  correlationId: string;
  /**
   * The caller's rows written by the same statement as the events, and only if they are (its
   * idempotency key, its access-log row), given the version the command leaves the case at.
   */
  alongside?: (nextVersion: number) => AlongsideWrite[];
}

/** What became of a command. `done`: the case as the command left it. Otherwise why it was refused; nothing written. */
export type CaseCommandOutcome = { kind: 'done'; caseId: string; events: RecordedEvent[]; version: number } | CaseCommandRefusal;

export type CaseCommandRefusal =
  | { kind: 'not_found'; caseId: string }
  /** The expected versions are not the case's (none at all: `expected` is empty). */
  | { kind: 'version_mismatch'; version: number; expected: readonly number[] }
  /** The expected version was met, but the case moved while the command was decided. */
  | { kind: 'moved'; actual: number | null }
  | { kind: 'rejected'; error: DomainError }
  /** A filing whose made-up id is taken. */
  | { kind: 'exists'; caseId: string }
  /** Lost the race to other writers of the case every time it was tried. */
  | { kind: 'contended'; attempts: number };

export interface CaseCommandDeps {
  db: Executor<any>;
  /** Wraps the data key a filing creates for its subject. */
  personalDataKey: Buffer;
  /** Called once the command's events have committed: wakes the log's readers. */
  announceAppend?: () => void;
  /** Called once an erasure has committed: the deleted key row's versions are to be vacuumed away. */
  erasureCommitted?: () => void;
}

const maxAttempts = 5;

/**
 * The one way a case is written: read → fold → decide → seal → append, with optimistic
 * concurrency. A command that loses a race is decided again on the new state (the case may
 * still allow it), unless the caller pinned a version, which is then refused (`moved`). Errors
 * of the append (such as a caller's alongside row refused by a constraint) are thrown: nothing
 * of the command was written.
 */
export async function handleCaseCommand(
  { db, personalDataKey: kek, announceAppend, erasureCommitted }: CaseCommandDeps,
  request: CaseCommandRequest,
): Promise<CaseCommandOutcome> {
  for (let attempt = 1; ; attempt++) {
    // A filing creates its case under an id the caller has just made up: nothing to read.
    const { events: history, key: storedKey } = request.creates
      ? { events: [], key: { state: 'absent' } as SubjectKey }
      : await readCase(db, kek, request.caseId);
    // Not found before a failed precondition: there is no version to compare with.
    if (!request.creates && history.length === 0) return { kind: 'not_found', caseId: request.caseId };
    const version = history.length;
    if (request.expectedVersions !== undefined && !request.expectedVersions.includes(version)) {
      return { kind: 'version_mismatch', version, expected: request.expectedVersions };
    }
    // Time enters the domain with the command: the server's clock, on each attempt.
    const now = new Date();
    const command = { ...request.command, actor: request.actor, now, occurredAt: request.occurredAt ?? now } as CaseCommand;
    const decision = decide(fold(history.map(toDomainEvent)), command);
    if (!decision.ok) return { kind: 'rejected', error: decision.error };

    const metadata = caseEventMetadata(request.actor, request.correlationId, history.at(-1)?.id ?? null);
    const newEvents = decision.events.map((e) => ({ type: e.type, data: e.data, occurredAt: e.occurredAt, metadata }));
    const streamType = caseStreamType(history.length === 0, decision.events[0]);
    // The whole command is ONE statement, atomic without an explicit transaction: the events,
    // and alongside them (only if the stream was still at `version`) the new subject's key, the
    // destroyed key of an erasure, and the caller's rows.
    const erases = decision.events.some((e) => e.type === 'PersonalDataErased');
    const subjectKey = version === 0 ? newSubjectKey(kek, request.caseId) : null;
    const nextVersion = version + newEvents.length;
    const alongside = [
      ...(subjectKey ? [subjectKey.write] : []),
      ...(erases ? destroySubjectKeyAlongside(request.caseId) : []),
      ...(request.alongside?.(nextVersion) ?? []),
    ];
    // A victim's case seals its free text under the subject's key, every event (storedForm.ts).
    const kind = (history[0] ?? decision.events[0])?.data as { kind?: string } | undefined;
    const sealingKey = subjectKey?.key ?? (storedKey.state === 'present' ? storedKey.key : null);
    const stored = newEvents.map((e) => sealForStorage(request.caseId, e, sealingKey, kind?.kind));
    const appended: AppendResult = await appendToStream(db, request.caseId, streamType, version === 0 ? 'no_stream' : version, stored, {
      alongside,
    });
    if (appended.ok) {
      announceAppend?.();
      if (erases) erasureCommitted?.();
      // Crypto-shredding: the answer is read back through the destroyed key, as everyone sees
      // the case from now on. Otherwise it is made from the rows as stored (jsonb's key order),
      // opened: byte for byte what a later read of this version gives.
      const key: SubjectKey = sealingKey ? { state: 'present', key: sealingKey } : { state: 'absent' };
      const events = erases
        ? await readCaseEvents(db, kek, request.caseId, { toVersion: nextVersion })
        : [...history, ...appended.events.map((e) => openStored(e, key))];
      return { kind: 'done', caseId: request.caseId, events, version: nextVersion };
    }
    if (request.creates && version === 0) return { kind: 'exists', caseId: request.caseId };
    if (request.expectedVersions !== undefined) return { kind: 'moved', actual: appended.error.actual };
    if (attempt >= maxAttempts) return { kind: 'contended', attempts: attempt };
  }
}
