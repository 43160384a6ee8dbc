import { checkHistory, roles as knownRoles, type CaseEvent, type Party, type Role } from '@cco/domain';
import { describe, expect, it } from 'vitest';
import { caseHistories, caseHistoryList } from '../src/caseHistories';

// The import path replays every imported case through the deciders, and the benchmarks and the
// read-model tests rely on the generated histories being ones the service could have recorded.
const withoutIds = (histories: ReturnType<typeof caseHistoryList>) =>
  histories.map((h) =>
    h.events.map(({ type, occurredAt, data, metadata }) => ({ type, occurredAt, data, party: metadata.party, roles: metadata.roles })),
  );

describe('caseHistories', () => {
  it('gives histories the deciders would have recorded, for every seed tried', () => {
    for (const seed of [1, 2, 3, 42, 1000]) {
      for (const history of caseHistoryList({ cases: 300, seed })) {
        const attributed = history.events.map((e) => ({
          event: { type: e.type, occurredAt: e.occurredAt, data: e.data } as CaseEvent,
          actor: {
            id: e.metadata.actor,
            party: e.metadata.party as Party,
            roles: (e.metadata.roles as Role[]).filter((r) => knownRoles.includes(r)),
          },
        }));
        const checked = checkHistory(attributed, new Date(), history.caseId);
        expect(checked, `seed ${seed}, case ${history.caseId}`).toMatchObject({ ok: true });
      }
    }
  });

  it('is the same for the same seed (ids aside), and another for another seed', () => {
    expect(withoutIds(caseHistoryList({ cases: 50, seed: 7 }))).toEqual(withoutIds(caseHistoryList({ cases: 50, seed: 7 })));
    expect(withoutIds(caseHistoryList({ cases: 50, seed: 8 }))).not.toEqual(withoutIds(caseHistoryList({ cases: 50, seed: 7 })));
  });

  it('gives exactly the events asked for, in batches of casesPerBatch cases', () => {
    const batches = [...caseHistories({ events: 1234, seed: 5, casesPerBatch: 100 })];
    expect(batches.flat().reduce((n, h) => n + h.events.length, 0)).toBe(1234);
    expect(batches.slice(0, -1).every((b) => b.length === 100)).toBe(true);
  });

  it('mixes the kinds and the courses a case can take', () => {
    const histories = caseHistoryList({ cases: 300, seed: 1 });
    const kinds = new Set(histories.map((h) => (h.events[0]!.data as { kind: string }).kind));
    const ends = new Set(histories.map((h) => h.events.at(-1)!.type));
    expect([...kinds].sort()).toEqual(['deportation', 'extradition', 'victim_repatriation']);
    for (const end of [
      'DeportationCompleted',
      'ExtraditionCompleted',
      'RepatriationCompleted',
      'RequestRefused',
      'RequestWithdrawn',
      'IdentityVerified',
      'SuspectHandedOver',
    ]) {
      expect(ends, end).toContain(end);
    }
  });
});
