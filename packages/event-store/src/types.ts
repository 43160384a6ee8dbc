import type { Kysely, Transaction } from 'kysely';
import type { StoreTables } from './tables';

/** Anything the store functions can run on: the database or an open transaction. */
export type Executor<T = StoreTables> = Kysely<T> | Transaction<T>;

export interface EventMetadata {
  actor: string;
  party: string;
  correlationId: string;
  causationId: string | null;
  [key: string]: unknown;
}

/** An event to append. `occurredAt` is business time; record time is the database's. */
export interface NewEvent {
  id?: string;
  type: string;
  schemaVersion?: number;
  data: unknown;
  metadata: EventMetadata;
  occurredAt: Date;
}

/** An event as stored. int8/xid8 columns stay strings; version fits a number. */
export interface RecordedEvent {
  id: string;
  streamId: string;
  type: string;
  version: number;
  position: string;
  transactionId: string;
  schemaVersion: number;
  occurredAt: Date;
  recordedAt: Date;
  data: unknown;
  metadata: EventMetadata;
}

/** A point in commit-safe order; readers resume strictly after it. */
export interface LogPosition {
  transactionId: string;
  position: string;
}

export const logStart: LogPosition = { transactionId: '0', position: '0' };

/** Commit-safe order is (transaction id, position); both are int8/xid8 strings, so compare as bigints. */
export function compareLogPositions(a: LogPosition, b: LogPosition): number {
  const byTransaction = BigInt(a.transactionId) - BigInt(b.transactionId);
  const order = byTransaction === 0n ? BigInt(a.position) - BigInt(b.position) : byTransaction;
  return order === 0n ? 0 : order > 0n ? 1 : -1;
}

/** `'no_stream'` for a new stream, a number for an exact version, `'any'` to skip the check. */
export type ExpectedVersion = 'no_stream' | 'any' | number;
