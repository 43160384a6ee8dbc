import { describe, expect, it } from 'vitest';
import { checkHistory, type Actor, type CaseEvent } from '../src';
import { actors, deportationFiled, handedOver, identityVerified, now, victimFiled } from './support/fixtures';
import { sameJson } from '../src/history';

// given(history, attributed) / then ok | the first event that breaks a rule, with the rule.
const check = (...history: [CaseEvent, Actor][]) =>
  checkHistory(
    history.map(([event, actor]) => ({ event, actor })),
    now,
    'case-1',
  );

describe('an imported history passes the same deciders as live commands', () => {
  it('a history the deciders would have produced passes', () => {
    expect(
      check([deportationFiled, actors.cnOfficer], [identityVerified(), actors.khOfficer], [handedOver(), actors.khOfficer]),
    ).toMatchObject({ ok: true });
  });
  it('the wrong party acting is refused at that event', () => {
    expect(check([deportationFiled, actors.cnOfficer], [identityVerified(), actors.cnOfficer])).toMatchObject({
      ok: false,
      index: 1,
      error: { rule: 'requested-party-only' },
    });
  });
  it('a filing whose parties are not the filer’s is refused as not decided so', () => {
    expect(check([deportationFiled, actors.khOfficer])).toMatchObject({ ok: false, index: 0, error: { rule: 'import-as-decided' } });
  });
  it('a derived field the deciders compute differently is refused (a late verification claimed on time)', () => {
    const late = identityVerified({ withinDeadline: true }, '2019-06-01T00:00:00.000Z');
    expect(check([victimFiled, actors.cnOfficer], [late, actors.khOfficer])).toMatchObject({
      ok: false,
      index: 1,
      error: { rule: 'import-as-decided' },
    });
  });
  it('events out of lifecycle order are refused', () => {
    expect(check([deportationFiled, actors.cnOfficer], [handedOver(), actors.khOfficer])).toMatchObject({
      ok: false,
      index: 1,
      error: { code: 'invalid_state' },
    });
  });
  it('erasure is not imported', () => {
    const erased = { type: 'ErasureRequested', occurredAt: new Date('2020-01-01'), data: { reason: 'r' } } as CaseEvent;
    expect(check([deportationFiled, actors.cnOfficer], [erased, actors.cnSupervisor])).toMatchObject({
      ok: false,
      index: 1,
      error: { rule: 'import-no-erasure' },
    });
  });
});

describe('sameJson: what "as decided" compares', () => {
  it('ignores key order and keys holding undefined, compares dates by instant', () => {
    expect(sameJson({ a: 1, b: { c: [1, 'x'], d: null } }, { b: { d: null, c: [1, 'x'] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson(new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00.000Z'))).toBe(true);
  });
  it('tells apart any difference in value, array order, a key, or a type', () => {
    expect(sameJson({ a: 1 }, { a: 2 })).toBe(false);
    expect(sameJson({ a: [1, 2] }, { a: [2, 1] })).toBe(false);
    expect(sameJson({ a: 1 }, { a: 1, b: 0 })).toBe(false);
    expect(sameJson({ a: 1, b: undefined }, { a: 1, c: 2 })).toBe(false);
    expect(sameJson({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJson({ a: [] }, { a: {} })).toBe(false);
    expect(sameJson({ a: null }, { a: {} })).toBe(false);
    expect(sameJson(new Date(0), '1970-01-01T00:00:00.000Z')).toBe(false);
  });
});
