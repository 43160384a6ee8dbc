import { describe, expect, it } from 'vitest';
import {
  complete,
  completed,
  fileRequest,
  handedOver,
  handOver,
  identityVerified,
  times,
  verifyIdentity,
  victimFiled,
  victimFiling,
} from './support/fixtures';
import { given } from './support/spec';

// 2016 counter-trafficking agreement, Art. 5.
const notified = { namesNotifiedAt: times.namesNotified };

describe('victim repatriation', () => {
  describe('happy path: Cambodia repatriates a Chinese victim rescued from a scam compound', () => {
    it('filing sets the verification due 30 days after the request', () => {
      given().when(fileRequest(victimFiling)).then(victimFiled);
    });
    it('verification in time is recorded as within the deadline', () => {
      given(victimFiled)
        .when(verifyIdentity())
        .then(identityVerified({ withinDeadline: true }));
    });
    it('handover after the names were notified', () => {
      given(victimFiled, identityVerified({ withinDeadline: true }))
        .when(handOver(notified))
        .then(handedOver(notified));
    });
    it('completion is RepatriationCompleted', () => {
      given(victimFiled, identityVerified({ withinDeadline: true }), handedOver(notified))
        .when(complete())
        .then(completed('RepatriationCompleted'));
    });
  });

  describe('victims are never treated as offenders', () => {
    it('filing with an offence is rejected', () => {
      given()
        .when(fileRequest({ ...victimFiling, offences: [{ category: 'prostitution' }] }))
        .thenError('rule_violation', 'victims-are-not-offenders');
    });
    it('filing with a warrant is rejected', () => {
      const warrant = { reference: 'X-1', issuedBy: 'PSB', issuedOn: '2019-03-01' };
      given()
        .when(fileRequest({ ...victimFiling, warrant }))
        .thenError('rule_violation', 'victims-are-not-offenders');
    });
  });

  describe('the 30-day verification deadline', () => {
    it('verification on the due instant is within the deadline', () => {
      const event = given(victimFiled)
        .when(verifyIdentity({}, { occurredAt: '2019-04-09T02:00:00.000Z' }))
        .thenEvent('IdentityVerified');
      expect(event.data.withinDeadline).toBe(true);
    });
    it('late verification is accepted but recorded as late', () => {
      const event = given(victimFiled)
        .when(verifyIdentity({}, { occurredAt: '2019-04-09T02:00:00.001Z' }))
        .thenEvent('IdentityVerified');
      expect(event.data.withinDeadline).toBe(false);
    });
  });

  describe('names are notified in advance of repatriation', () => {
    const verified = identityVerified({ withinDeadline: true });
    it('handover without a names notice is rejected', () => {
      given(victimFiled, verified).when(handOver()).thenError('rule_violation', 'advance-name-notice');
    });
    it('handover before the names notice is rejected', () => {
      given(victimFiled, verified)
        .when(handOver({ namesNotifiedAt: '2019-04-02T05:31:00.000Z' }))
        .thenError('rule_violation', 'advance-name-notice');
    });
  });
});
