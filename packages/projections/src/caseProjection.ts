import type { RecordedEvent } from '@cco/event-store';

/**
 * A read model with one row per case, kept by a pure fold: given the row as it stands (or
 * none) and the next event of that case, the row after it. No I/O and no clock, so the same
 * log always gives the same rows: that is what makes a rebuild from zero comparable with the
 * live model, and lets the specs run without a database.
 */
export interface CaseProjection<Row extends { case_id: string } = any> {
  /** The name the CLI, the endpoint, the checkpoint (`projection:<name>`) and the locks use. */
  name: string;
  /** The one table it owns. */
  table: string;
  evolve(row: Row | undefined, event: RecordedEvent): Row | undefined;
  /** Counters kept beside the rows, in the same transaction, so that figures need no scan. */
  counters?: Counters<Row>;
}

/**
 * A table of counts derived from the rows: each row counts once under each of its facts (a
 * record of the key columns). When a row changes, its old facts are taken off and its new ones
 * added, so the table always equals the count of the current rows' facts, and a query reads a
 * bounded number of counters (days × kinds × parties × keys) however long the log grows.
 */
export interface Counters<Row> {
  table: string;
  /** The key columns (the table's primary key); the count is in `count`. */
  keys: readonly string[];
  facts(row: Row): Record<string, string>[];
}

/** Every table a projection owns: rebuilt, compared and swapped together. */
export const tablesOf = (projection: CaseProjection): string[] => [
  projection.table,
  ...(projection.counters ? [projection.counters.table] : []),
];

/** Where a projection writes: its live table, or its shadow while it is rebuilt aside. */
export interface Target {
  /** undefined: the live table, found on the search path. */
  schema: string | undefined;
  /** The name of its reader's position. */
  position: string;
}

export const positionNameOf = (projection: CaseProjection): string => `projection:${projection.name}`;
export const liveTarget = (projection: CaseProjection): Target => ({ schema: undefined, position: positionNameOf(projection) });

/** The advisory lock that makes one runner per projection apply at a time, across instances. */
export const runnerLockOf = (projection: CaseProjection): string => `cco_projection:${projection.name}`;
