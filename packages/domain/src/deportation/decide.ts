import { unreachable, violation, type Check, type Decision } from '../decision';
import { offencesRequired, warrantRequired } from '../lifecycle/checks';
import * as lifecycle from '../lifecycle/decide';
import type { NoCase, OpenCase } from '../lifecycle/events';
import type { Subject } from '../vocabulary';
import type { DeportationFilingData, DeportationState } from './events';

// The requested party acts only when the documents are sufficient and the requesting
// authority holds a warrant (cooperation plan 2019 / working plan 2023).

export type DeportationCommand = lifecycle.FileRequestCommand<DeportationFilingData> | lifecycle.LifecycleCommand;

const documentsRequired = (subject: Subject): Check =>
  subject.documents.length > 0
    ? undefined
    : violation('documents-required', 'a deportation request identifies the person by at least one identity document');

export const fileDeportation = (state: OpenCase | NoCase, command: lifecycle.FileRequestCommand<DeportationFilingData>): Decision =>
  lifecycle.openWith(state, command, {
    rules: () =>
      offencesRequired(command.data.offences) ?? warrantRequired(command.data.warrant) ?? documentsRequired(command.data.subject),
    record: (parties) => ({ ...command.data, ...parties }),
  });

/** Verifying is acting; the requested party that finds the documents wanting refuses instead. */
export const verifyForDeportation = (state: DeportationState | NoCase, command: lifecycle.VerifyIdentityCommand): Decision =>
  lifecycle.verifyWith(state, command, {
    rules: () =>
      command.data.documentsSufficient === false
        ? violation('documents-required', "documents are insufficient: refuse with ground 'insufficient_documents' instead")
        : undefined,
  });

export const completeDeportation = (state: DeportationState | NoCase, command: lifecycle.CompleteCommand): Decision =>
  lifecycle.completeWith(state, command, 'DeportationCompleted');

export function decide(state: DeportationState | NoCase, command: DeportationCommand): Decision {
  switch (command.type) {
    case 'FileRequest':
      return fileDeportation(state, command);
    case 'VerifyIdentity':
      return verifyForDeportation(state, command);
    case 'HandOver':
      return lifecycle.handOverWith(state, command);
    case 'Complete':
      return completeDeportation(state, command);
    case 'Refuse':
      return lifecycle.refuse(state, command);
    case 'Withdraw':
      return lifecycle.withdraw(state, command);
    default:
      return unreachable(command);
  }
}
