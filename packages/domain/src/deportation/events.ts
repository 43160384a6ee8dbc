import { advance, opened, type KindEvent, type KindState, type NoCase } from '../lifecycle/events';
import type { CaseParties, Location, Offence, Subject, Warrant } from '../vocabulary';

// Deportation under the Ministry of Interior – Ministry of Public Security cooperation plan
// (2019, renewed 29 April 2023): the requested party removes a foreign offender.

export interface DeportationFilingData {
  kind: 'deportation';
  subject: Subject;
  /** At least one; optional in the type so that none is a rule violation (422). */
  offences?: Offence[];
  /** Optional in the type: its absence is a treaty-rule violation (422), not bad JSON (400). */
  warrant?: Warrant;
  lastKnownLocation?: Location;
}

export interface DeportationFiledData extends DeportationFilingData, CaseParties {}

export type DeportationEvent = KindEvent<DeportationFiledData, 'DeportationCompleted'>;

export type DeportationState = KindState<'deportation'>;

export function evolve(state: DeportationState | NoCase, event: DeportationEvent): DeportationState | NoCase {
  return event.type === 'RequestFiled' ? opened(event) : advance(state, event);
}
