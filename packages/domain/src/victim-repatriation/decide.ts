import { unreachable, violation, type Check, type Decision } from '../decision';
import * as lifecycle from '../lifecycle/decide';
import type { NoCase, OpenCase } from '../lifecycle/events';
import type { VictimRepatriationFilingData, VictimRepatriationState } from './events';

// Art. 5 of the 2016 counter-trafficking agreement: verification within 30 days of the
// request, names notified in advance of repatriation; victims are never treated as offenders.

export type VictimRepatriationCommand = lifecycle.FileRequestCommand<VictimRepatriationFilingData> | lifecycle.LifecycleCommand;

const VERIFICATION_DAYS = 30;
const DAY_MS = 86_400_000;

const victimsAreNotOffenders = ({ offences = [], warrant }: VictimRepatriationFilingData): Check =>
  offences.length > 0 || warrant
    ? violation('victims-are-not-offenders', 'a trafficking victim is repatriated as a victim: no offences, no warrant')
    : undefined;

/** Late verification is allowed (the victim still goes home) but recorded, to be reported. */
const withinDeadline = (state: VictimRepatriationState, occurredAt: Date) => ({
  withinDeadline: occurredAt.getTime() <= state.verificationDueBy.getTime(),
});

const advanceNameNotice = ({ data, occurredAt }: lifecycle.HandOverCommand): Check => {
  // A missing or unreadable notice is NaN, which compares false: it fails like a late one.
  const notifiedAt = data.namesNotifiedAt ? Date.parse(data.namesNotifiedAt) : Number.NaN;
  return notifiedAt <= occurredAt.getTime()
    ? undefined
    : violation(
        'advance-name-notice',
        'each party notifies the other of the names before repatriation: give namesNotifiedAt, no later than the handover',
      );
};

export const fileVictimRepatriation = (
  state: OpenCase | NoCase,
  command: lifecycle.FileRequestCommand<VictimRepatriationFilingData>,
): Decision =>
  lifecycle.openWith(state, command, {
    rules: () => victimsAreNotOffenders(command.data),
    record: (parties) => ({
      ...command.data,
      ...parties,
      verificationDueBy: new Date(command.occurredAt.getTime() + VERIFICATION_DAYS * DAY_MS).toISOString(),
    }),
  });

export const verifyForVictimRepatriation = (state: VictimRepatriationState | NoCase, command: lifecycle.VerifyIdentityCommand): Decision =>
  lifecycle.verifyWith(state, command, { record: (s) => withinDeadline(s, command.occurredAt) });

export const handOverForVictimRepatriation = (state: VictimRepatriationState | NoCase, command: lifecycle.HandOverCommand): Decision =>
  lifecycle.handOverWith(state, command, () => advanceNameNotice(command));

export const completeVictimRepatriation = (state: VictimRepatriationState | NoCase, command: lifecycle.CompleteCommand): Decision =>
  lifecycle.completeWith(state, command, 'RepatriationCompleted');

export function decide(state: VictimRepatriationState | NoCase, command: VictimRepatriationCommand): Decision {
  switch (command.type) {
    case 'FileRequest':
      return fileVictimRepatriation(state, command);
    case 'VerifyIdentity':
      return verifyForVictimRepatriation(state, command);
    case 'HandOver':
      return handOverForVictimRepatriation(state, command);
    case 'Complete':
      return completeVictimRepatriation(state, command);
    case 'Refuse':
      return lifecycle.refuse(state, command);
    case 'Withdraw':
      return lifecycle.withdraw(state, command);
    default:
      return unreachable(command);
  }
}
