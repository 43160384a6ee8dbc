import { describe, it } from 'vitest';
import {
  complete,
  completed,
  extraditionFiled,
  extraditionFiling,
  fileRequest,
  handedOver,
  handOver,
  identityVerified,
  noMandatoryGround,
  subject,
  verifyIdentity,
} from './support/fixtures';
import { given } from './support/spec';

const assessed = { mandatoryGrounds: noMandatoryGround };

describe('extradition (treaty of 9 February 1992)', () => {
  describe('happy path', () => {
    it('filing records the request and both parties', () => {
      given().when(fileRequest(extraditionFiling)).then(extraditionFiled);
    });
    it('verification records the assessment of the mandatory grounds', () => {
      given(extraditionFiled).when(verifyIdentity(assessed)).then(identityVerified(assessed));
    });
    it('the requested party hands the person over', () => {
      given(extraditionFiled, identityVerified(assessed)).when(handOver()).then(handedOver());
    });
    it('completion is ExtraditionCompleted', () => {
      given(extraditionFiled, identityVerified(assessed), handedOver()).when(complete()).then(completed('ExtraditionCompleted'));
    });
  });

  describe('dual criminality: more than one year of imprisonment in both countries', () => {
    const penalties = (requestingMaxPenaltyMonths: number, requestedMaxPenaltyMonths: number) =>
      fileRequest({ ...extraditionFiling, dualCriminality: { requestingMaxPenaltyMonths, requestedMaxPenaltyMonths } });

    it('is required', () => {
      const { dualCriminality: _, ...without } = extraditionFiling;
      given().when(fileRequest(without)).thenError('rule_violation', 'dual-criminality');
    });
    it('fails when the requesting party punishes by one year only', () => {
      given().when(penalties(12, 60)).thenError('rule_violation', 'dual-criminality');
    });
    it('fails when the requested party punishes by one year only', () => {
      given().when(penalties(60, 12)).thenError('rule_violation', 'dual-criminality');
    });
    it('holds at thirteen months on both sides', () => {
      given().when(penalties(13, 13)).thenEvent('RequestFiled');
    });
  });

  it('filing is rejected without a diplomatic note: requests go through diplomatic channels in writing', () => {
    const { diplomaticNote: _, ...without } = extraditionFiling;
    given().when(fileRequest(without)).thenError('rule_violation', 'diplomatic-channel');
  });

  it('filing is rejected without a warrant', () => {
    const { warrant: _, ...without } = extraditionFiling;
    given().when(fileRequest(without)).thenError('rule_violation', 'warrant-required');
  });

  it('filing is rejected for a national of the requested party: own nationals are never extradited', () => {
    given()
      .when(fileRequest({ ...extraditionFiling, subject: { ...subject, nationality: 'KH' } }))
      .thenError('rule_violation', 'own-national');
  });

  describe('verification', () => {
    it('requires the mandatory grounds to have been assessed', () => {
      given(extraditionFiled).when(verifyIdentity()).thenError('rule_violation', 'mandatory-grounds-required');
    });
    it.each(['politicalOffence', 'persecution', 'militaryOffence', 'finalJudgment'] as const)(
      'is rejected when %s applies: the requested party must refuse',
      (ground) => {
        given(extraditionFiled)
          .when(verifyIdentity({ mandatoryGrounds: { ...noMandatoryGround, [ground]: true } }))
          .thenError('rule_violation', 'mandatory-refusal-ground');
      },
    );
    it('is rejected when the person turns out to be a national of the requested party', () => {
      given(extraditionFiled)
        .when(verifyIdentity({ ...assessed, confirmedNationality: 'KH' }))
        .thenError('rule_violation', 'own-national');
    });
  });
});
