import { describe, it } from 'vitest';
import {
  complete,
  completed,
  deportationFiled,
  deportationFiling,
  fileRequest,
  handedOver,
  handOver,
  identityVerified,
  subject,
  verifyIdentity,
} from './support/fixtures';
import { given } from './support/spec';

describe('deportation', () => {
  describe('happy path: Cambodia deports a Chinese fraud suspect on a Chinese warrant', () => {
    it('filing records the filer as requesting party and the other as requested party', () => {
      given().when(fileRequest(deportationFiling)).then(deportationFiled);
    });
    it('the requested party verifies identity', () => {
      given(deportationFiled).when(verifyIdentity()).then(identityVerified());
    });
    it('the requested party hands the suspect over', () => {
      given(deportationFiled, identityVerified()).when(handOver()).then(handedOver());
    });
    it('the requesting party confirms arrival with DeportationCompleted', () => {
      given(deportationFiled, identityVerified(), handedOver()).when(complete()).then(completed('DeportationCompleted'));
    });
  });

  describe('filing', () => {
    it('is rejected without a warrant', () => {
      const { warrant: _, ...withoutWarrant } = deportationFiling;
      given().when(fileRequest(withoutWarrant)).thenError('rule_violation', 'warrant-required');
    });
    it('is rejected with a blank warrant reference', () => {
      const warrant = { reference: '  ', issuedBy: 'Guangzhou PSB', issuedOn: '2019-03-01' };
      given()
        .when(fileRequest({ ...deportationFiling, warrant }))
        .thenError('rule_violation', 'warrant-required');
    });
    it('is rejected without an identity document', () => {
      given()
        .when(fileRequest({ ...deportationFiling, subject: { ...subject, documents: [] } }))
        .thenError('rule_violation', 'documents-required');
    });
    it('is rejected without an offence', () => {
      given()
        .when(fileRequest({ ...deportationFiling, offences: [] }))
        .thenError('rule_violation', 'offences-required');
    });
  });

  it('verification with insufficient documents is rejected: the requested party refuses instead', () => {
    given(deportationFiled)
      .when(verifyIdentity({ documentsSufficient: false }))
      .thenError('rule_violation', 'documents-required');
  });
});
