import { forbidden, invalidState, violation, type Check } from '../decision';
import { countryCodes } from '../countries';
import type { Actor, CaseStatus, Offence, Subject, Warrant } from '../vocabulary';
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

/**
 * The office's history cannot begin before its oldest legal basis, the Extradition Treaty of
 * 9 February 1992: no case event of this service happened earlier.
 */
export const HISTORY_BEGINS = new Date('1992-02-09T00:00:00.000Z');

/** Business time may lie years back (back-fill), but never in the future nor before the treaties. */
export const notInFuture = ({ occurredAt, now }: { occurredAt: Date; now: Date }): Check =>
  occurredAt.getTime() > now.getTime() + CLOCK_TOLERANCE_MS
    ? violation('occurred-in-future', `occurredAt ${occurredAt.toISOString()} is after the time of recording`)
    : occurredAt.getTime() < HISTORY_BEGINS.getTime()
      ? violation(
          'occurred-before-history',
          `occurredAt ${occurredAt.toISOString()} is before the oldest treaty this office applies (1992-02-09)`,
        )
      : undefined;

/** A 'YYYY-MM-DD' day after the day of `now` (UTC). */
const afterToday = (day: string, now: Date) => day > now.toISOString().slice(0, 10);

const knownCountry = (code: string, field: string): Check =>
  countryCodes.has(code) ? undefined : violation('unknown-country', `${field} ${code} is not an assigned ISO 3166-1 alpha-2 country code`);

/** What a filing says of its subject must be possible: a real country, a birth in the past. */
export const plausibleSubject = (subject: Subject, now: Date): Check =>
  knownCountry(subject.nationality, 'nationality') ??
  subject.documents.reduce<Check>((found, d, i) => found ?? knownCountry(d.issuingCountry, `documents[${i}].issuingCountry`), undefined) ??
  (subject.dateOfBirth !== undefined && afterToday(subject.dateOfBirth, now)
    ? violation('born-in-future', `dateOfBirth ${subject.dateOfBirth} is in the future`)
    : undefined);

/** A warrant is issued before anyone can act on it. */
export const warrantIssued = (warrant: Warrant | undefined, now: Date): Check =>
  warrant && afterToday(warrant.issuedOn, now)
    ? violation('warrant-in-future', `the warrant's issuedOn ${warrant.issuedOn} is in the future`)
    : undefined;

/**
 * A request rests on a warrant its authority already held: one issued after the day the request
 * was filed (business time, `occurredAt`, UTC day) could not have been its basis.
 */
export const warrantBeforeFiling = (warrant: Warrant | undefined, occurredAt: Date): Check =>
  warrant && warrant.issuedOn > occurredAt.toISOString().slice(0, 10)
    ? violation(
        'warrant-after-filing',
        `the warrant's issuedOn ${warrant.issuedOn} is after the day the request was filed (${occurredAt.toISOString().slice(0, 10)})`,
      )
    : undefined;

/** A confirmed nationality is a country too. */
export const plausibleVerification = (confirmedNationality: string | undefined): Check =>
  confirmedNationality === undefined ? undefined : knownCountry(confirmedNationality, 'confirmedNationality');

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
