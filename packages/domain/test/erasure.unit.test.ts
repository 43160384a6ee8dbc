import { describe, expect, it } from 'vitest';
import { caseView, type Actor, type CaseCommand, type CaseEvent } from '../src';
import { actors, completed, deportationFiled, handedOver, identityVerified, now, times, victimFiled, withdrawn } from './support/fixtures';
import { given } from './support/spec';

// Erasure of a trafficking victim's personal data: asked for by a supervisor of the party that
// provided it, confirmed by an auditor, only once the case is closed.

const erasedAt = '2024-04-30T10:00:00.000Z';
const requestErasure = (reason: string | undefined = 'victim asked; case closed', actor: Actor = actors.cnSupervisor): CaseCommand => ({
  type: 'RequestErasure',
  data: reason === undefined ? {} : { reason },
  actor,
  now,
  occurredAt: new Date(erasedAt),
});
const confirmErasure = (actor: Actor = actors.khAuditor): CaseCommand => ({
  type: 'ConfirmErasure',
  data: {},
  actor,
  now,
  occurredAt: new Date(erasedAt),
});
const erasureRequested: CaseEvent = {
  type: 'ErasureRequested',
  occurredAt: new Date(erasedAt),
  data: { reason: 'victim asked; case closed' },
};
const personalDataErased: CaseEvent = { type: 'PersonalDataErased', occurredAt: new Date(erasedAt), data: {} };

const repatriated = [
  victimFiled,
  identityVerified({ withinDeadline: true }),
  handedOver({ namesNotifiedAt: times.namesNotified }),
  completed('RepatriationCompleted'),
];

describe('erasure of a victim’s personal data', () => {
  it('a supervisor of the providing (requesting) party asks, then an auditor confirms', () => {
    given(...repatriated)
      .when(requestErasure())
      .then(erasureRequested);
    given(...repatriated, erasureRequested)
      .when(confirmErasure())
      .then(personalDataErased);
  });

  it('a withdrawn case can be erased too', () => {
    given(victimFiled, withdrawn('found in Vietnam')).when(requestErasure()).then(erasureRequested);
  });

  it('only for victims: a deportation’s subject is not erased', () => {
    given(deportationFiled, withdrawn('x')).when(requestErasure()).thenError('rule_violation', 'erasure-victims-only');
  });

  it('only the providing party asks, and only through a supervisor', () => {
    given(...repatriated)
      .when(requestErasure(undefined, actors.khSupervisor))
      .thenError('forbidden', 'requesting-party-only');
    given(...repatriated)
      .when(requestErasure(undefined, actors.cnOfficer))
      .thenError('forbidden', 'supervisor-only');
  });

  it('only an auditor confirms', () => {
    given(...repatriated, erasureRequested)
      .when(confirmErasure(actors.cnSupervisor))
      .thenError('forbidden', 'auditor-only');
  });

  it('not while the repatriation is under way', () => {
    given(victimFiled, identityVerified({ withinDeadline: true }))
      .when(requestErasure())
      .thenError('invalid_state', 'lifecycle');
  });

  it('a request states its reason', () => {
    given(...repatriated)
      .when(requestErasure('  '))
      .thenError('rule_violation', 'erasure-reason-required');
  });

  it('no confirmation without a request, and no second erasure', () => {
    given(...repatriated)
      .when(confirmErasure())
      .thenError('invalid_state', 'lifecycle');
    given(...repatriated, erasureRequested, personalDataErased)
      .when(requestErasure())
      .thenError('invalid_state', 'lifecycle');
  });

  it('leaves the lifecycle status alone and shows in the case view', () => {
    const view = caseView('case-1', [...repatriated, erasureRequested, personalDataErased]);
    expect(view).toMatchObject({ status: 'completed', erasure: { requestedAt: erasedAt, erasedAt, reason: 'victim asked; case closed' } });
  });
});
