import { notFound, reject, type Decision } from './decision';
import * as deportation from './deportation/decide';
import {
  evolve as evolveDeportation,
  type DeportationEvent,
  type DeportationFilingData,
  type DeportationState,
} from './deportation/events';
import type { CaseEvent } from './events';
import * as erasure from './erasure/decide';
import { evolveErasure, isErasureEvent } from './erasure/events';
import * as extradition from './extradition/decide';
import {
  evolve as evolveExtradition,
  type ExtraditionEvent,
  type ExtraditionFilingData,
  type ExtraditionState,
} from './extradition/events';
import type { FileRequestCommand, LifecycleCommand } from './lifecycle/decide';
import type { CompletionEventType, NoCase } from './lifecycle/events';
import type { CaseKind } from './vocabulary';
import * as victimRepatriation from './victim-repatriation/decide';
import {
  evolve as evolveVictimRepatriation,
  type VictimRepatriationEvent,
  type VictimRepatriationFilingData,
  type VictimRepatriationState,
} from './victim-repatriation/events';

// One case, whatever its kind: routes each command and event to the kind's decider.

export type FilingData = DeportationFilingData | ExtraditionFilingData | VictimRepatriationFilingData;

export type CaseCommand = FileRequestCommand<FilingData> | LifecycleCommand | erasure.ErasureCommand;

export type CaseState = NoCase | DeportationState | ExtraditionState | VictimRepatriationState;

export const initialState: CaseState = { status: 'none' };

export const completionEventByKind = {
  deportation: 'DeportationCompleted',
  extradition: 'ExtraditionCompleted',
  victim_repatriation: 'RepatriationCompleted',
} as const satisfies Record<CaseKind, CompletionEventType>;

export function evolve(state: CaseState, event: CaseEvent): CaseState {
  // Erasure is the same for every kind and leaves the lifecycle where it is.
  if (isErasureEvent(event)) return state.status === 'none' ? state : evolveErasure(state, event);
  const kind = event.type === 'RequestFiled' ? event.data.kind : state.status === 'none' ? undefined : state.kind;
  // A stream only holds what its own kind's decider emitted, so narrowing by kind is sound.
  switch (kind) {
    case 'deportation':
      return evolveDeportation(state as DeportationState | NoCase, event as DeportationEvent);
    case 'extradition':
      return evolveExtradition(state as ExtraditionState | NoCase, event as ExtraditionEvent);
    case 'victim_repatriation':
      return evolveVictimRepatriation(state as VictimRepatriationState | NoCase, event as VictimRepatriationEvent);
    case undefined:
      return state; // an event before any filing: nothing to build on
  }
}

export const fold = (events: readonly CaseEvent[]): CaseState => events.reduce(evolve, initialState);

/** Filing is routed by the kind filed; the kind's filing rules then apply. */
function fileRequest(state: CaseState, command: FileRequestCommand<FilingData>): Decision {
  const { data } = command;
  switch (data.kind) {
    case 'deportation':
      return deportation.fileDeportation(state, { ...command, data });
    case 'extradition':
      return extradition.fileExtradition(state, { ...command, data });
    case 'victim_repatriation':
      return victimRepatriation.fileVictimRepatriation(state, { ...command, data });
  }
}

/** Every other command is routed by the kind of the case it acts on. */
export function decide(state: CaseState, command: CaseCommand): Decision {
  if (command.type === 'FileRequest') return fileRequest(state, command);
  if (command.type === 'RequestErasure' || command.type === 'ConfirmErasure') return erasure.decide(state, command);
  if (state.status === 'none') return reject(notFound('no case with this id'));
  switch (state.kind) {
    case 'deportation':
      return deportation.decide(state, command);
    case 'extradition':
      return extradition.decide(state, command);
    case 'victim_repatriation':
      return victimRepatriation.decide(state, command);
  }
}
