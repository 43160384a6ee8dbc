import { describe, expect, it } from 'vitest';
import { caseEventTypes, completionEventByKind, otherParty } from '../src';

describe('vocabulary', () => {
  it('each party’s other party is the other ministry', () => {
    expect([otherParty('KH'), otherParty('CN')]).toEqual(['CN', 'KH']);
  });
  it('lists all ten event types once, for consumers that subscribe by type', () => {
    expect(new Set(caseEventTypes)).toEqual(
      new Set([
        'RequestFiled',
        'IdentityVerified',
        'SuspectHandedOver',
        'DeportationCompleted',
        'ExtraditionCompleted',
        'RepatriationCompleted',
        'RequestRefused',
        'RequestWithdrawn',
        'ErasureRequested',
        'PersonalDataErased',
      ]),
    );
    expect(caseEventTypes).toHaveLength(10);
  });
  it('names each kind’s completion event, the one statistics count', () => {
    expect(completionEventByKind).toEqual({
      deportation: 'DeportationCompleted',
      extradition: 'ExtraditionCompleted',
      victim_repatriation: 'RepatriationCompleted',
    });
  });
});
