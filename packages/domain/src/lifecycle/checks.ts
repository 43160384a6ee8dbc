import { forbidden, invalidState, violation, type Check } from '../decision';
import type { Actor, CaseStatus, Offence, Warrant } from '../vocabulary';
import type { OpenCase } from './events';

// Checks shared by the kinds. Each answers `undefined` when it passes.

/** The two ministries' clocks drift; a few minutes ahead of the server is still "now". */
const CLOCK_TOLERANCE_MS = 5 * 60_000;

export const writer = (actor: Actor): Check =>
  actor.roles.includes('officer') || actor.roles.includes('supervisor')
    ? undefined
    : forbidden('officer-or-supervisor-only', 'only officers and supervisors act on cases; auditors and analysts only read');

export const requestedPartyOnly = (state: OpenCase, actor: Actor, action: string): Check =>
  actor.party === state.requestedParty
    ? undefined
    : forbidden('requested-party-only', `only the requested party (${state.requestedParty}) may ${action}`);

export const requestingPartyOnly = (state: OpenCase, actor: Actor, action: string): Check =>
  actor.party === state.requestingParty
    ? undefined
    : forbidden('requesting-party-only', `only the requesting party (${state.requestingParty}) may ${action}`);

export const supervisorOnly = (actor: Actor, action: string): Check =>
  actor.roles.includes('supervisor') ? undefined : forbidden('supervisor-only', `only a supervisor may ${action}`);

export const inStatus = (state: OpenCase, allowed: readonly CaseStatus[], action: string): Check =>
  allowed.includes(state.status)
    ? undefined
    : invalidState('lifecycle', `cannot ${action} a case that is ${state.status} (only when ${allowed.join(' or ')})`);

/** Business time may lie years back (back-fill), but never in the future. */
export const notInFuture = ({ occurredAt, now }: { occurredAt: Date; now: Date }): Check =>
  occurredAt.getTime() > now.getTime() + CLOCK_TOLERANCE_MS
    ? violation('occurred-in-future', `occurredAt ${occurredAt.toISOString()} is after the time of recording`)
    : undefined;

/** A case's events follow each other in business time as they do in the stream. */
export const chronological = (state: OpenCase, command: { occurredAt: Date; now: Date }): Check =>
  notInFuture(command) ??
  (command.occurredAt.getTime() < state.lastOccurredAt.getTime()
    ? violation('chronology', `occurredAt may not precede the case's previous event (${state.lastOccurredAt.toISOString()})`)
    : undefined);

export const nonBlank = (value: string | undefined, rule: string, message: string): Check =>
  value?.trim() ? undefined : violation(rule, message);

// Rules for the kinds that pursue offenders (deportation, extradition).

/** The requested party acts only on a warrant the requesting authority holds. */
export const warrantRequired = (warrant: Warrant | undefined): Check =>
  nonBlank(warrant?.reference, 'warrant-required', 'the requesting authority must hold a warrant: give its reference');

export const offencesRequired = (offences: readonly Offence[] = []): Check =>
  offences.length > 0 ? undefined : violation('offences-required', 'name at least one offence the person is sought for');
