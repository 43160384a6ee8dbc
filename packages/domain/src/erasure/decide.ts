import { decideWith, forbidden, invalidState, notFound, reject, violation, type Check, type Decision } from '../decision';
import { chronological, inStatus, nonBlank, requestingPartyOnly, supervisorOnly } from '../lifecycle/checks';
import type { CommandBase } from '../lifecycle/decide';
import type { NoCase, OpenCase } from '../lifecycle/events';

export interface RequestErasureCommand extends CommandBase {
  type: 'RequestErasure';
  data: { reason?: string };
}
export interface ConfirmErasureCommand extends CommandBase {
  type: 'ConfirmErasure';
  data: Record<string, never>;
}
export type ErasureCommand = RequestErasureCommand | ConfirmErasureCommand;

/** Erasure must not sabotage a repatriation under way: only a closed case's data is erased. */
const closed = ['completed', 'refused', 'withdrawn'] as const;

const victimsOnly = (state: OpenCase): Check =>
  state.kind === 'victim_repatriation'
    ? undefined
    : violation('erasure-victims-only', 'erasure of personal data applies to repatriations of trafficking victims');

const notYet = (state: OpenCase): Check => (state.erasure ? invalidState('lifecycle', `erasure was already ${state.erasure}`) : undefined);

/** The party that provided the data (the requesting party) asks, through a supervisor. */
export function requestErasure(state: OpenCase | NoCase, command: RequestErasureCommand): Decision {
  if (state.status === 'none') return reject(notFound('no case with this id'));
  const check =
    requestingPartyOnly(state, command.actor, 'request erasure') ??
    supervisorOnly(command.actor, 'request erasure') ??
    inStatus(state, closed, 'erase the personal data of') ??
    notYet(state) ??
    chronological(state, command) ??
    victimsOnly(state) ??
    nonBlank(command.data.reason, 'erasure-reason-required', 'an erasure request states its reason');
  return decideWith(check, () => [{ type: 'ErasureRequested', occurredAt: command.occurredAt, data: { reason: command.data.reason! } }]);
}

/** An auditor confirms; the service then destroys the key in the same transaction. */
export function confirmErasure(state: OpenCase | NoCase, command: ConfirmErasureCommand): Decision {
  if (state.status === 'none') return reject(notFound('no case with this id'));
  const check =
    (command.actor.roles.includes('auditor') ? undefined : forbidden('auditor-only', 'only an auditor confirms an erasure')) ??
    (state.erasure === 'requested' ? undefined : invalidState('lifecycle', 'there is no pending erasure request to confirm')) ??
    chronological(state, command);
  return decideWith(check, () => [{ type: 'PersonalDataErased', occurredAt: command.occurredAt, data: {} }]);
}

export function decide(state: OpenCase | NoCase, command: ErasureCommand): Decision {
  return command.type === 'RequestErasure' ? requestErasure(state, command) : confirmErasure(state, command);
}
