import { unreachable, violation, type Check, type Decision } from '../decision';
import { offencesRequired, warrantRequired } from '../lifecycle/checks';
import * as lifecycle from '../lifecycle/decide';
import type { MandatoryGrounds, NoCase, OpenCase } from '../lifecycle/events';
import type { Party, RefusalGround } from '../vocabulary';
import type { DualCriminality, ExtraditionFilingData, ExtraditionState } from './events';

// The Extradition Treaty of 9 February 1992.

export type ExtraditionCommand = lifecycle.FileRequestCommand<ExtraditionFilingData> | lifecycle.LifecycleCommand;

/** Extraditable: punishable by more than one year of imprisonment in both countries. */
const dualCriminality = (penalties: DualCriminality | undefined): Check =>
  penalties && penalties.requestingMaxPenaltyMonths > 12 && penalties.requestedMaxPenaltyMonths > 12
    ? undefined
    : violation('dual-criminality', 'the offence must be punishable by more than one year of imprisonment in both countries');

/** Requests go through diplomatic channels, in writing. */
const diplomaticChannel = (note: { reference: string } | undefined): Check =>
  note?.reference.trim()
    ? undefined
    : violation('diplomatic-channel', 'an extradition request is made in writing through diplomatic channels: give the note');

/** Own nationals are never extradited. */
const ownNational = (nationality: string, requestedParty: Party, hint = ''): Check =>
  nationality === requestedParty
    ? violation(
        'own-national',
        `the person is a national of the requested party (${requestedParty}), which never extradites its own nationals${hint}`,
      )
    : undefined;

const mandatoryGroundNames: [keyof MandatoryGrounds, RefusalGround][] = [
  ['politicalOffence', 'political_offence'],
  ['persecution', 'persecution'],
  ['militaryOffence', 'military_offence'],
  ['finalJudgment', 'final_judgment'],
];

/** The requested party must have weighed every mandatory ground; if one applies it refuses. */
const noMandatoryGround = (grounds: MandatoryGrounds | undefined): Check => {
  if (!grounds) return violation('mandatory-grounds-required', 'state for each mandatory refusal ground whether it applies');
  const applying = mandatoryGroundNames.find(([flag]) => grounds[flag]);
  return applying
    ? violation('mandatory-refusal-ground', `a mandatory refusal ground applies: refuse with ground '${applying[1]}' instead`)
    : undefined;
};

export const fileExtradition = (state: OpenCase | NoCase, command: lifecycle.FileRequestCommand<ExtraditionFilingData>): Decision =>
  lifecycle.openWith(state, command, {
    rules: ({ requestedParty }) =>
      offencesRequired(command.data.offences) ??
      warrantRequired(command.data.warrant) ??
      dualCriminality(command.data.dualCriminality) ??
      diplomaticChannel(command.data.diplomaticNote) ??
      ownNational(command.data.subject.nationality, requestedParty),
    record: (parties) => ({ ...command.data, ...parties }),
  });

export const verifyForExtradition = (state: ExtraditionState | NoCase, command: lifecycle.VerifyIdentityCommand): Decision =>
  lifecycle.verifyWith(state, command, {
    rules: (s) =>
      noMandatoryGround(command.data.mandatoryGrounds) ??
      ownNational(command.data.confirmedNationality, s.requestedParty, ": refuse with ground 'own_national' instead"),
  });

export const completeExtradition = (state: ExtraditionState | NoCase, command: lifecycle.CompleteCommand): Decision =>
  lifecycle.completeWith(state, command, 'ExtraditionCompleted');

export function decide(state: ExtraditionState | NoCase, command: ExtraditionCommand): Decision {
  switch (command.type) {
    case 'FileRequest':
      return fileExtradition(state, command);
    case 'VerifyIdentity':
      return verifyForExtradition(state, command);
    case 'HandOver':
      return lifecycle.handOverWith(state, command);
    case 'Complete':
      return completeExtradition(state, command);
    case 'Refuse':
      return lifecycle.refuse(state, command);
    case 'Withdraw':
      return lifecycle.withdraw(state, command);
    default:
      return unreachable(command);
  }
}
