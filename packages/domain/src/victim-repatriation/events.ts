import { advance, opened, type KindEvent, type KindState, type NoCase } from '../lifecycle/events';
import type { CaseParties, Location, Offence, Subject, Warrant } from '../vocabulary';

// Repatriation of trafficking victims under the 2016 Agreement on Strengthening Cooperation
// in Counter Trafficking in Persons. The subject is a victim, never an offender.

export interface VictimRepatriationFilingData {
  kind: 'victim_repatriation';
  subject: Subject;
  /** Present in the type only so that filing a victim as an offender is refused with a reason. */
  offences?: Offence[];
  warrant?: Warrant;
  lastKnownLocation?: Location;
}

export interface VictimRepatriationFiledData extends VictimRepatriationFilingData, CaseParties {
  /** ISO date-time: 30 days after the request was received (Art. 5). */
  verificationDueBy: string;
}

export type VictimRepatriationEvent = KindEvent<VictimRepatriationFiledData, 'RepatriationCompleted'>;

export type VictimRepatriationState = KindState<'victim_repatriation', { verificationDueBy: Date }>;

export function evolve(state: VictimRepatriationState | NoCase, event: VictimRepatriationEvent): VictimRepatriationState | NoCase {
  return event.type === 'RequestFiled'
    ? { ...opened(event), verificationDueBy: new Date(event.data.verificationDueBy) }
    : advance(state, event);
}
