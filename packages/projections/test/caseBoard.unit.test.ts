import { describe, expect, it } from 'vitest';
import { caseBoard, foldRows } from '../src/index';
import { caseEvents } from '@cco/testkit';

const { completed, deportation, filed, handedOver, personalValues, recorded, refused, verified, withdrawn } = caseEvents;

const board = (...histories: ReturnType<typeof recorded>[]) => foldRows(caseBoard, new Map(), histories.flat());

describe('case board: given events → rows', () => {
  it('a filing opens a row with the parties, offence categories and the case version', () => {
    const events = recorded('c1', [filed({ at: '2019-03-01T02:00:00Z', offences: ['online_gambling', 'money_laundering'] })]);
    expect(board(events)).toEqual([
      {
        case_id: 'c1',
        kind: 'deportation',
        status: 'filed',
        requesting_party: 'CN',
        requested_party: 'KH',
        offences: ['online_gambling', 'money_laundering'],
        filed_at: new Date('2019-03-01T02:00:00Z'),
        verification_due_by: null,
        verified_at: null,
        verified_within_deadline: null,
        handed_over_at: null,
        completed_at: null,
        refused_at: null,
        refusal_ground: null,
        withdrawn_at: null,
        version: 1,
        created_at: events[0]!.recordedAt,
        updated_at: events[0]!.recordedAt,
      },
    ]);
  });

  it('each step moves the status and records its business time; version and updated_at follow the stream', () => {
    const events = recorded('c2', deportation('2019-03-01T00:00:00Z', 20));
    const [row] = board(events);
    expect(row).toMatchObject({
      status: 'completed',
      verified_at: new Date('2019-03-11T00:00:00Z'),
      handed_over_at: new Date('2019-03-20T00:00:00Z'),
      completed_at: new Date('2019-03-21T00:00:00Z'),
      version: 4,
      created_at: events[0]!.recordedAt,
      updated_at: events[3]!.recordedAt,
    });
  });

  it('refusals keep their ground, withdrawals their time', () => {
    const [r, w] = board(
      recorded('r', [filed({ at: '2018-01-01T00:00:00Z' }), refused('2018-01-05T00:00:00Z', 'no_warrant')]),
      recorded('w', [filed({ at: '2018-01-01T00:00:00Z' }), verified('2018-01-02T00:00:00Z'), withdrawn('2018-01-03T00:00:00Z')]),
    );
    expect(r).toMatchObject({ status: 'refused', refusal_ground: 'no_warrant', refused_at: new Date('2018-01-05T00:00:00Z') });
    expect(w).toMatchObject({
      status: 'withdrawn',
      withdrawn_at: new Date('2018-01-03T00:00:00Z'),
      verified_at: new Date('2018-01-02T00:00:00Z'),
    });
  });

  it('a victim repatriation carries its 30-day due date and the verdict recorded on verification', () => {
    const [row] = board(
      recorded('v', [
        filed({ kind: 'victim_repatriation', by: 'KH', at: '2019-01-01T00:00:00Z' }),
        verified('2019-02-15T00:00:00Z', false),
      ]),
    );
    expect(row).toMatchObject({
      kind: 'victim_repatriation',
      requesting_party: 'KH',
      offences: [],
      verification_due_by: new Date('2019-01-31T00:00:00Z'),
      verified_within_deadline: false,
    });
  });

  it('holds no personal data', () => {
    const text = JSON.stringify(board(recorded('p', deportation('2019-03-01T00:00:00Z'))));
    for (const value of personalValues) expect(text).not.toContain(value);
  });

  it('ignores steps of a case it never saw filed', () => {
    expect(board(recorded('s', [completed('2019-01-01T00:00:00Z')]))).toEqual([]);
  });

  it('an event that is no step (e.g. about erasure) moves the version, not the lifecycle', () => {
    const events = recorded('e', [
      filed({ at: '2019-01-01T00:00:00Z' }),
      { ...completed('2019-02-01T00:00:00Z'), type: 'ErasureRequested' },
    ]);
    expect(board(events)[0]).toMatchObject({ status: 'filed', completed_at: null, version: 2, updated_at: events[1]!.recordedAt });
  });

  it('folds a batch onto rows already stored, and returns only rows that changed', () => {
    const [first, ...rest] = recorded('c3', deportation('2019-05-01T00:00:00Z'));
    const [stored] = board([first!]);
    const untouched = board(recorded('c4', [filed({ at: '2019-05-02T00:00:00Z' })]))[0]!;
    const rows = new Map([
      ['c3', stored!],
      ['c4', untouched],
    ]);
    expect(foldRows(caseBoard, rows, [rest[0]!])).toEqual([
      { ...stored, status: 'identity_verified', verified_at: rest[0]!.occurredAt, version: 2, updated_at: rest[0]!.recordedAt },
    ]);
  });
});

it('completing a handed-over case is the only way to "completed"', () => {
  const [row] = board(
    recorded('h', [filed({ at: '2019-01-01T00:00:00Z' }), verified('2019-01-02T00:00:00Z'), handedOver('2019-01-03T00:00:00Z')]),
  );
  expect(row).toMatchObject({ status: 'handed_over', completed_at: null });
});
