import { advance, opened, type KindEvent, type KindState, type NoCase } from '../lifecycle/events';
import type { CaseParties, Location, Offence, Subject, Warrant } from '../vocabulary';

// Extradition under the Extradition Treaty of 9 February 1992.

/** Maximum penalty for the offence, in months of imprisonment, under each party's law. */
export interface DualCriminality {
  requestingMaxPenaltyMonths: number;
  requestedMaxPenaltyMonths: number;
}

/** The written request sent through diplomatic channels. */
export interface DiplomaticNote {
  reference: string;
  /** 'YYYY-MM-DD' */
  date: string;
}

// The optional fields are treaty requirements: their absence is a 422, decided here.
export interface ExtraditionFilingData {
  kind: 'extradition';
  subject: Subject;
  /** At least one; optional in the type so that none is a rule violation (422). */
  offences?: Offence[];
  warrant?: Warrant;
  lastKnownLocation?: Location;
  dualCriminality?: DualCriminality;
  diplomaticNote?: DiplomaticNote;
}

export interface ExtraditionFiledData extends ExtraditionFilingData, CaseParties {}

export type ExtraditionEvent = KindEvent<ExtraditionFiledData, 'ExtraditionCompleted'>;

/** The subject's nationality in the facts is what the own-national rule needs. */
export type ExtraditionState = KindState<'extradition'>;

export function evolve(state: ExtraditionState | NoCase, event: ExtraditionEvent): ExtraditionState | NoCase {
  return event.type === 'RequestFiled' ? opened(event) : advance(state, event);
}
