import { decideWith, invalidState, notFound, reject, violation, type Check, type Decision } from '../decision';
import type { CaseEvent, RequestFiledData } from '../events';
import {
  otherParty,
  type Actor,
  type CaseKind,
  type CaseParties,
  type CaseStatus,
  type RefusalGround,
  type Subject,
  type Warrant,
} from '../vocabulary';
import {
  chronological,
  inStatus,
  nonBlank,
  notInFuture,
  plausibleSubject,
  plausibleVerification,
  requestedPartyOnly,
  requestingPartyOnly,
  supervisorOnly,
  warrantBeforeFiling,
  warrantIssued,
  writer,
} from './checks';
import type { CompletionEventType, HandedOverData, IdentityVerifiedData, NoCase, OpenCase, VerificationData } from './events';

// The command handlers every kind composes. Checks run in the order the API maps to status
// codes: not_found (404), forbidden (403), invalid_state (409), rule_violation (422).
// Each handler takes the kind's own rules as a hook, run after the shared ones.

export interface CommandBase {
  actor: Actor;
  /** Record time, from the server clock. */
  now: Date;
  /** Business time: when it happened (the API defaults it to now). */
  occurredAt: Date;
}

export interface FileRequestCommand<F extends { kind: CaseKind }> extends CommandBase {
  type: 'FileRequest';
  caseId: string;
  data: F;
}

/** A handover command carries exactly what the event records. */
export type HandoverData = HandedOverData;

export interface VerifyIdentityCommand extends CommandBase {
  type: 'VerifyIdentity';
  data: VerificationData;
}
export interface HandOverCommand extends CommandBase {
  type: 'HandOver';
  data: HandoverData;
}
export interface CompleteCommand extends CommandBase {
  type: 'Complete';
  data: Record<string, never> | { notes?: string };
}
export interface RefuseCommand extends CommandBase {
  type: 'Refuse';
  data: { ground: RefusalGround; reason?: string };
}
export interface WithdrawCommand extends CommandBase {
  type: 'Withdraw';
  data: { reason?: string };
}

export type LifecycleCommand = VerifyIdentityCommand | HandOverCommand | CompleteCommand | RefuseCommand | WithdrawCommand;

/** Who may take each step, and from which states (the lifecycle in docs/api.md). */
const steps: Record<LifecycleCommand['type'], { by: 'requesting' | 'requested'; supervisor?: true; from: CaseStatus[]; action: string }> = {
  VerifyIdentity: { by: 'requested', from: ['filed'], action: 'verify identity' },
  HandOver: { by: 'requested', from: ['identity_verified'], action: 'hand over' },
  Complete: { by: 'requesting', from: ['handed_over'], action: 'complete' },
  Refuse: { by: 'requested', supervisor: true, from: ['filed', 'identity_verified'], action: 'refuse' },
  Withdraw: { by: 'requesting', from: ['filed', 'identity_verified'], action: 'withdraw' },
};

type Rules<S> = (state: S) => Check;
const noRules = (): Check => undefined;

/** The frame of every step on an existing case; `rules` and `event` are the step's own. */
function step<S extends OpenCase>(state: S | NoCase, command: LifecycleCommand, rules: Rules<S>, event: (state: S) => CaseEvent): Decision {
  if (state.status === 'none') return reject(notFound('no case with this id'));
  const { by, supervisor, from, action } = steps[command.type];
  const party = by === 'requested' ? requestedPartyOnly : requestingPartyOnly;
  const check =
    writer(command.actor) ??
    party(state, command.actor, action) ??
    (supervisor ? supervisorOnly(command.actor, action) : undefined) ??
    inStatus(state, from, action) ??
    chronological(state, command) ??
    rules(state);
  return decideWith(check, () => [event(state)]);
}

/**
 * Filing opens the stream. The filer's party becomes the requesting party, the other the
 * requested party; the kind checks its treaty's filing rules and shapes what is recorded.
 */
export function openWith<F extends { kind: CaseKind; subject: Subject; warrant?: Warrant }>(
  state: OpenCase | NoCase,
  command: FileRequestCommand<F>,
  kind: { rules: (parties: CaseParties) => Check; record: (parties: CaseParties) => RequestFiledData },
): Decision {
  const parties = { requestingParty: command.actor.party, requestedParty: otherParty(command.actor.party) };
  const check =
    writer(command.actor) ??
    (state.status === 'none' ? undefined : invalidState('lifecycle', 'a case with this id has already been filed')) ??
    notInFuture(command) ??
    plausibleSubject(command.data.subject, command.now) ??
    warrantIssued(command.data.warrant, command.now) ??
    warrantBeforeFiling(command.data.warrant, command.occurredAt) ??
    kind.rules(parties);
  return decideWith(check, () => [{ type: 'RequestFiled', occurredAt: command.occurredAt, data: kind.record(parties) }]);
}

const confirmed = (data: VerificationData): Check =>
  !data.nationalityConfirmed
    ? violation('nationality-not-confirmed', 'verification means the nationality is confirmed; if it cannot be, refuse instead')
    : data.identityConfirmed === false
      ? violation('identity-not-confirmed', 'verification means the identity is confirmed; if it cannot be, refuse instead')
      : undefined;

export function verifyWith<S extends OpenCase>(
  state: S | NoCase,
  command: VerifyIdentityCommand,
  kind: { rules?: Rules<S>; record?: (state: S) => Partial<IdentityVerifiedData> } = {},
): Decision {
  return step(
    state,
    command,
    (s) => confirmed(command.data) ?? plausibleVerification(command.data.confirmedNationality) ?? kind.rules?.(s),
    (s) => ({ type: 'IdentityVerified', occurredAt: command.occurredAt, data: { ...command.data, ...kind.record?.(s) } }),
  );
}

const handoverDetails = ({ place, receivingOfficers }: HandoverData): Check =>
  place.trim() && receivingOfficers.some((officer) => officer.trim())
    ? undefined
    : violation('handover-details-required', 'a handover names the place and at least one receiving officer');

export function handOverWith<S extends OpenCase>(state: S | NoCase, command: HandOverCommand, rules: Rules<S> = noRules): Decision {
  return step(
    state,
    command,
    (s) => handoverDetails(command.data) ?? rules(s),
    () => ({ type: 'SuspectHandedOver', occurredAt: command.occurredAt, data: { ...command.data } }),
  );
}

/** Arrival confirmed by the requesting party; each kind names its own completion event. */
export function completeWith(state: OpenCase | NoCase, command: CompleteCommand, type: CompletionEventType): Decision {
  return step(state, command, noRules, () => ({ type, occurredAt: command.occurredAt, data: { ...command.data } }));
}

/** Art. 8 (2016): the requesting party shall be informed of the reason for a refusal. */
export function refuse(state: OpenCase | NoCase, command: RefuseCommand): Decision {
  const { ground, reason = '' } = command.data;
  return step(
    state,
    command,
    () => nonBlank(reason, 'refusal-reason-required', 'the requesting party must be told the reason for a refusal'),
    () => ({ type: 'RequestRefused', occurredAt: command.occurredAt, data: { ground, reason } }),
  );
}

export function withdraw(state: OpenCase | NoCase, command: WithdrawCommand): Decision {
  const { reason = '' } = command.data;
  return step(
    state,
    command,
    () => nonBlank(reason, 'withdrawal-reason-required', 'a withdrawal states its reason'),
    () => ({ type: 'RequestWithdrawn', occurredAt: command.occurredAt, data: { reason } }),
  );
}
