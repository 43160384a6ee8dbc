import type { LogPosition } from '@cco/event-store';

/** Commit-safe order is (transaction id, position); both are int8/xid8 strings, so compare as bigints. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  const order = byTransaction === 0n ? BigInt(a.position) - BigInt(b.position) : byTransaction;
  return order === 0n ? 0 : order > 0n ? 1 : -1;
}

export const isAfter = (a: LogPosition, b: LogPosition): boolean => compareLogPositions(a, b) > 0;
