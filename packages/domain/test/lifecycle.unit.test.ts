import { describe, it } from 'vitest';
import {
  actors,
  complete,
  completed,
  deportationFiled,
  deportationFiling,
  fileRequest,
  handedOver,
  handOver,
  identityVerified,
  now,
  refuse,
  refused,
  requestFiled,
  times,
  verifyIdentity,
  withdraw,
  withdrawn,
} from './support/fixtures';
import { given } from './support/spec';

// The lifecycle is shared by every kind; these specs run it on a deportation case.
const verified = [deportationFiled, identityVerified()] as const;
const handed = [...verified, handedOver()] as const;

describe('the case must exist', () => {
  it('a command on a case never filed is not_found', () => {
    given().when(verifyIdentity()).thenError('not_found', 'case-exists');
  });
  it('filing again on an existing case is invalid_state', () => {
    given(deportationFiled).when(fileRequest(deportationFiling)).thenError('invalid_state', 'lifecycle');
  });
});

describe('who may act', () => {
  it('the filer’s party becomes the requesting party', () => {
    given()
      .when(fileRequest(deportationFiling, { actor: actors.khOfficer }))
      .then(requestFiled({ ...deportationFiling, requestingParty: 'KH', requestedParty: 'CN' }));
  });
  it('a supervisor may do what an officer may', () => {
    given()
      .when(fileRequest(deportationFiling, { actor: actors.cnSupervisor }))
      .thenEvent('RequestFiled');
  });
  it('auditors never write', () => {
    given()
      .when(fileRequest(deportationFiling, { actor: actors.khAuditor }))
      .thenError('forbidden', 'officer-or-supervisor-only');
  });
  it('analysts never write', () => {
    given(deportationFiled)
      .when(withdraw('x', { actor: actors.cnAnalyst }))
      .thenError('forbidden', 'officer-or-supervisor-only');
  });
  it('only the requested party verifies identity', () => {
    given(deportationFiled)
      .when(verifyIdentity({}, { actor: actors.cnOfficer }))
      .thenError('forbidden', 'requested-party-only');
  });
  it('only the requested party hands over', () => {
    given(...verified)
      .when(handOver({}, { actor: actors.cnOfficer }))
      .thenError('forbidden', 'requested-party-only');
  });
  it('only the requesting party confirms completion', () => {
    given(...handed)
      .when(complete({ actor: actors.khOfficer }))
      .thenError('forbidden', 'requesting-party-only');
  });
  it('only the requesting party withdraws', () => {
    given(deportationFiled)
      .when(withdraw('x', { actor: actors.khOfficer }))
      .thenError('forbidden', 'requesting-party-only');
  });
  it('only the requested party refuses', () => {
    given(deportationFiled)
      .when(refuse('other', 'x', { actor: actors.cnSupervisor }))
      .thenError('forbidden', 'requested-party-only');
  });
  it('only a supervisor refuses', () => {
    given(deportationFiled)
      .when(refuse('other', 'x', { actor: actors.khOfficer }))
      .thenError('forbidden', 'supervisor-only');
  });
});

describe('the lifecycle', () => {
  it('no handover before verification', () => {
    given(deportationFiled).when(handOver()).thenError('invalid_state', 'lifecycle');
  });
  it('no second verification', () => {
    given(...verified)
      .when(verifyIdentity())
      .thenError('invalid_state', 'lifecycle');
  });
  it('no completion before handover', () => {
    given(...verified)
      .when(complete())
      .thenError('invalid_state', 'lifecycle');
  });
  it('no refusal after handover', () => {
    given(...handed)
      .when(refuse('security', 'x', { occurredAt: times.completed }))
      .thenError('invalid_state', 'lifecycle');
  });
  it('no withdrawal after completion', () => {
    given(...handed, completed('DeportationCompleted'))
      .when(withdraw('x', { occurredAt: times.completed }))
      .thenError('invalid_state', 'lifecycle');
  });
  it('nothing after a refusal', () => {
    given(deportationFiled, refused('security', 'x')).when(verifyIdentity()).thenError('invalid_state', 'lifecycle');
  });
  it('nothing after a withdrawal', () => {
    given(deportationFiled, withdrawn('x')).when(verifyIdentity()).thenError('invalid_state', 'lifecycle');
  });
  it('refusal is possible after verification', () => {
    given(...verified)
      .when(refuse('social_order', 'public order risk'))
      .then(refused('social_order', 'public order risk'));
  });
  it('withdrawal is possible after verification', () => {
    given(...verified)
      .when(withdraw('subject deceased'))
      .then(withdrawn('subject deceased'));
  });
});

describe('checks run in the order 404, 403, 409, 422', () => {
  it('forbidden before invalid_state', () => {
    given(deportationFiled)
      .when(handOver({}, { actor: actors.cnOfficer }))
      .thenError('forbidden', 'requested-party-only');
  });
  it('invalid_state before rule_violation (here: no reason, and before the previous event)', () => {
    given(...handed)
      .when(refuse('security', undefined, { occurredAt: times.verified }))
      .thenError('invalid_state', 'lifecycle');
  });
});

describe('reasons', () => {
  it('a refusal without a reason is rejected: the requesting party must be told why', () => {
    given(deportationFiled).when(refuse('sovereignty', undefined)).thenError('rule_violation', 'refusal-reason-required');
  });
  it('a blank reason is no reason', () => {
    given(deportationFiled).when(refuse('sovereignty', ' \n ')).thenError('rule_violation', 'refusal-reason-required');
  });
  it('a withdrawal without a reason is rejected', () => {
    given(deportationFiled).when(withdraw(undefined)).thenError('rule_violation', 'withdrawal-reason-required');
  });
});

describe('verification confirms', () => {
  it('the nationality', () => {
    given(deportationFiled)
      .when(verifyIdentity({ nationalityConfirmed: false }))
      .thenError('rule_violation', 'nationality-not-confirmed');
  });
  it('the identity', () => {
    given(deportationFiled)
      .when(verifyIdentity({ identityConfirmed: false }))
      .thenError('rule_violation', 'identity-not-confirmed');
  });
});

describe('a handover names', () => {
  it('its place', () => {
    given(...verified)
      .when(handOver({ place: ' ' }))
      .thenError('rule_violation', 'handover-details-required');
  });
  it('at least one receiving officer', () => {
    given(...verified)
      .when(handOver({ receivingOfficers: [] }))
      .thenError('rule_violation', 'handover-details-required');
  });
});

describe('business time', () => {
  const minutesFromNow = (minutes: number) => new Date(now.getTime() + minutes * 60_000).toISOString();

  it('may lie years before the time of recording (back-fill)', () => {
    given()
      .when(fileRequest(deportationFiling, { occurredAt: '2017-10-12T03:00:00.000Z' }))
      .thenEvent('RequestFiled');
  });
  it('may run up to five minutes ahead of the server clock', () => {
    given()
      .when(fileRequest(deportationFiling, { occurredAt: minutesFromNow(5) }))
      .thenEvent('RequestFiled');
  });
  it('may not be further in the future', () => {
    given()
      .when(fileRequest(deportationFiling, { occurredAt: minutesFromNow(6) }))
      .thenError('rule_violation', 'occurred-in-future');
  });
  it('may not be in the future on an existing case either', () => {
    given(deportationFiled)
      .when(verifyIdentity({}, { occurredAt: minutesFromNow(6) }))
      .thenError('rule_violation', 'occurred-in-future');
  });
  it('may not precede the previous event', () => {
    given(...verified)
      .when(handOver({}, { occurredAt: '2019-03-20T08:59:59.000Z' }))
      .thenError('rule_violation', 'chronology');
  });
  it('may equal the previous event’s', () => {
    given(...verified)
      .when(handOver({}, { occurredAt: times.verified }))
      .thenEvent('SuspectHandedOver');
  });
});

describe('plausible content (422)', () => {
  it('business time may not precede the oldest treaty the office applies (1992-02-09)', () => {
    given()
      .when(fileRequest(deportationFiling, { occurredAt: '1992-02-08T23:59:59.999Z' }))
      .thenError('rule_violation', 'occurred-before-history');
    given()
      .when(fileRequest(deportationFiling, { occurredAt: '1992-02-09T00:00:00.000Z' }))
      .thenEvent('RequestFiled');
    given(deportationFiled)
      .when(verifyIdentity({}, { occurredAt: '1991-12-31T00:00:00.000Z' }))
      .thenError('rule_violation', 'occurred-before-history');
  });
  it('a nationality must be an assigned ISO 3166-1 code', () => {
    given()
      .when(fileRequest({ ...deportationFiling, subject: { ...deportationFiling.subject, nationality: 'ZZ' } }))
      .thenError('rule_violation', 'unknown-country');
    given()
      .when(fileRequest({ ...deportationFiling, subject: { ...deportationFiling.subject, nationality: 'VN' } }))
      .thenEvent('RequestFiled');
  });
  it('so must a document’s issuing country', () => {
    const documents = [{ type: 'passport' as const, number: 'E1', issuingCountry: 'EU' }];
    given()
      .when(fileRequest({ ...deportationFiling, subject: { ...deportationFiling.subject, documents } }))
      .thenError('rule_violation', 'unknown-country');
  });
  it('and a confirmed nationality', () => {
    given(deportationFiled)
      .when(verifyIdentity({ confirmedNationality: 'XK' }))
      .thenError('rule_violation', 'unknown-country');
  });
  it('a date of birth may not be in the future', () => {
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    given()
      .when(fileRequest({ ...deportationFiling, subject: { ...deportationFiling.subject, dateOfBirth: tomorrow } }))
      .thenError('rule_violation', 'born-in-future');
    given()
      .when(fileRequest({ ...deportationFiling, subject: { ...deportationFiling.subject, dateOfBirth: now.toISOString().slice(0, 10) } }))
      .thenEvent('RequestFiled');
  });
  it('nor a warrant’s date of issue', () => {
    const tomorrow = new Date(now.getTime() + 86_400_000).toISOString().slice(0, 10);
    given()
      .when(fileRequest({ ...deportationFiling, warrant: { ...deportationFiling.warrant!, issuedOn: tomorrow } }))
      .thenError('rule_violation', 'warrant-in-future');
  });
  it('nor a warrant issued after the day the request was filed (business time)', () => {
    const filedOn = '2019-03-01T10:00:00.000Z';
    const warrant = (issuedOn: string) => ({ ...deportationFiling, warrant: { ...deportationFiling.warrant!, issuedOn } });
    given()
      .when(fileRequest(warrant('2019-03-02'), { occurredAt: filedOn }))
      .thenError('rule_violation', 'warrant-after-filing');
    given()
      .when(fileRequest(warrant('2019-03-01'), { occurredAt: filedOn }))
      .thenEvent('RequestFiled');
  });
});
