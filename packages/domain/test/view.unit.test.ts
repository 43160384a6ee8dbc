import { describe, expect, it } from 'vitest';
import { caseView, isVerificationOverdue } from '../src';
import {
  completed,
  deportationFiled,
  deportationFiling,
  extraditionFiled,
  handedOver,
  handover,
  identityVerified,
  refused,
  times,
  verification,
  victimFiled,
} from './support/fixtures';

describe('caseView', () => {
  it('is null for a case never filed', () => {
    expect(caseView('case-1', [])).toBeNull();
  });

  it('shows a completed deportation with its business times and version', () => {
    const view = caseView('case-1', [deportationFiled, identityVerified(), handedOver(), completed('DeportationCompleted')]);
    expect(view).toEqual({
      id: 'case-1',
      kind: 'deportation',
      status: 'completed',
      requestingParty: 'CN',
      requestedParty: 'KH',
      subject: deportationFiling.subject,
      offences: deportationFiling.offences,
      warrant: deportationFiling.warrant,
      lastKnownLocation: deportationFiling.lastKnownLocation,
      dualCriminality: null,
      diplomaticNote: null,
      verificationDueBy: null,
      verifiedWithinDeadline: null,
      verification,
      handover,
      completion: {},
      refusal: null,
      withdrawal: null,
      erasure: null,
      filedAt: times.filed,
      verifiedAt: times.verified,
      handedOverAt: times.handedOver,
      completedAt: times.completed,
      refusedAt: null,
      withdrawnAt: null,
      version: 4,
    });
  });

  it('shows a refusal with its ground and reason', () => {
    const view = caseView('case-1', [deportationFiled, refused('security', 'threat to public security')]);
    expect(view).toMatchObject({
      status: 'refused',
      refusal: { ground: 'security', reason: 'threat to public security' },
      refusedAt: times.verified,
    });
  });

  it('shows the extradition’s dual criminality and diplomatic note', () => {
    expect(caseView('case-2', [extraditionFiled])).toMatchObject({
      dualCriminality: { requestingMaxPenaltyMonths: 120, requestedMaxPenaltyMonths: 60 },
      diplomaticNote: { reference: 'CN-EMB-PP-2019-117' },
    });
  });

  it('shows a victim’s verification deadline and whether it was met', () => {
    expect(caseView('case-3', [victimFiled])).toMatchObject({
      verificationDueBy: '2019-04-09T02:00:00.000Z',
      verifiedWithinDeadline: null,
      offences: [],
      warrant: null,
    });
    expect(caseView('case-3', [victimFiled, identityVerified({ withinDeadline: false })])).toMatchObject({ verifiedWithinDeadline: false });
  });
});

describe('isVerificationOverdue', () => {
  const filedVictim = caseView('case-3', [victimFiled])!;
  it('is false until the due date passed', () => {
    expect(isVerificationOverdue(filedVictim, new Date('2019-04-09T02:00:00.000Z'))).toBe(false);
  });
  it('is true once it passed unverified', () => {
    expect(isVerificationOverdue(filedVictim, new Date('2019-04-09T02:00:01.000Z'))).toBe(true);
  });
  it('is false once verified, however late', () => {
    const verified = caseView('case-3', [victimFiled, identityVerified({ withinDeadline: false }, '2019-05-01T00:00:00.000Z')])!;
    expect(isVerificationOverdue(verified, new Date('2019-06-01T00:00:00.000Z'))).toBe(false);
  });
});
