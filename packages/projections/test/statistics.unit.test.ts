import { describe, expect, it } from 'vitest';
import { foldRows, statistics, utcDays } from '../src/index';
import { caseEvents } from '@cco/testkit';

const { completed, deportation, filed, personalValues, recorded, refused, verified } = caseEvents;

const facts = (...histories: ReturnType<typeof recorded>[]) => foldRows(statistics, new Map(), histories.flat());

describe('statistics: given events → fact rows', () => {
  it('one row per case with its principal offence and business times', () => {
    const [row] = facts(recorded('d', deportation('2017-10-12T00:00:00Z', 10, ['drug_trafficking', 'violent_crime'])));
    expect(row).toEqual({
      case_id: 'd',
      kind: 'deportation',
      status: 'completed',
      requesting_party: 'CN',
      requested_party: 'KH',
      offence: 'drug_trafficking',
      filed_at: new Date('2017-10-12T00:00:00Z'),
      verification_due_by: null,
      verified_at: new Date('2017-10-17T00:00:00Z'),
      verified_within_deadline: null,
      handed_over_at: new Date('2017-10-21T00:00:00Z'),
      completed_at: new Date('2017-10-22T00:00:00Z'),
      refused_at: null,
      refusal_ground: null,
      withdrawn_at: null,
    });
  });

  it('victims have no offence; the 30-day verdict is the one the decider recorded', () => {
    const [row] = facts(
      recorded('v', [filed({ kind: 'victim_repatriation', at: '2019-01-01T00:00:00Z' }), verified('2019-01-20T00:00:00Z', true)]),
    );
    expect(row).toMatchObject({ offence: null, verified_within_deadline: true, status: 'identity_verified' });
  });

  it('refusal grounds and completion kinds', () => {
    const [r, x] = facts(
      recorded('r', [filed({ at: '2018-01-01T00:00:00Z' }), refused('2018-02-01T00:00:00Z', 'sovereignty')]),
      recorded('x', [
        filed({ kind: 'extradition', at: '2018-01-01T00:00:00Z' }),
        verified('2018-01-09T00:00:00Z'),
        completed('2018-03-01T00:00:00Z', 'ExtraditionCompleted'),
      ]),
    );
    expect(r).toMatchObject({ status: 'refused', refusal_ground: 'sovereignty' });
    expect(x).toMatchObject({ kind: 'extradition', status: 'completed', completed_at: new Date('2018-03-01T00:00:00Z') });
  });

  it('holds no personal data, and no free text', () => {
    const text = JSON.stringify(
      facts(
        recorded('p', deportation('2019-03-01T00:00:00Z')),
        recorded('q', [filed({ at: '2019-01-01T00:00:00Z' }), refused('2019-01-02T00:00:00Z')]),
      ),
    );
    for (const value of [...personalValues, 'call centre', 'documents do not match']) expect(text).not.toContain(value);
  });
});

describe('windows of UTC days, both ends inclusive', () => {
  it('runs from 00:00Z on `from` to 00:00Z the day after `to`', () => {
    expect(utcDays('2018-11-01', '2019-10-31')).toEqual({
      from: '2018-11-01',
      to: '2019-10-31',
      start: new Date('2018-11-01T00:00:00.000Z'),
      end: new Date('2019-11-01T00:00:00.000Z'),
    });
    expect(utcDays('2019-10-31', '2019-10-31').end).toEqual(new Date('2019-11-01T00:00:00Z'));
  });

  it('an event at 2019-10-31T23:30:00-01:00 is on 1 November in UTC', () => {
    const at = new Date('2019-10-31T23:30:00-01:00');
    const october = utcDays('2019-10-01', '2019-10-31');
    expect(at >= october.end).toBe(true);
  });

  it('refuses from after to, and what is not a date', () => {
    expect(() => utcDays('2019-11-01', '2019-10-31')).toThrow(RangeError);
    expect(() => utcDays('2019-13-01', '2019-10-31')).toThrow(RangeError);
  });
});
