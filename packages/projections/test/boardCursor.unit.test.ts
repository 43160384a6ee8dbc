import { expect, it } from 'vitest';
import { compareLogPositions } from '@cco/event-store';
import { decodeCursor, encodeCursor, InvalidCursor } from '../src/index';

it('a cursor round-trips the sort key of the last row served', () => {
  const key = { filedAt: new Date('2019-10-31T23:30:00.123Z'), caseId: '0b6f2e1c-8c6a-4a57-9d0e-5f3c2b1a0e9d' };
  expect(decodeCursor(encodeCursor(key))).toEqual(key);
});

it('anything else is an invalid cursor, not a crash', () => {
  const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const bad = [
    '',
    'x',
    forged([1, 2]),
    forged({}),
    forged(['not a date', 'a']),
    forged(['-271821-04-20T00:00:00.000Z', 'a']), // a date PostgreSQL cannot hold
    forged(['2019-02-30T00:00:00.000Z', 'a']), // no such day
    forged(['2019-01-01T00:00:00.000Z', 'a\u0000b']), // text PostgreSQL cannot store
    forged(['2019-01-01T00:00:00.000Z', '']),
  ];
  for (const cursor of bad) {
    expect(() => decodeCursor(cursor), cursor).toThrow(InvalidCursor);
  }
});

it('log positions compare in commit-safe order, as numbers not strings', () => {
  expect(compareLogPositions({ transactionId: '9', position: '100' }, { transactionId: '10', position: '1' })).toBe(-1);
  expect(compareLogPositions({ transactionId: '10', position: '9' }, { transactionId: '10', position: '10' })).toBe(-1);
  expect(compareLogPositions({ transactionId: '10', position: '10' }, { transactionId: '10', position: '10' })).toBe(0);
});
