import type { RecordedEvent } from '@cco/event-store';
import type { CaseProjection } from '../caseProjection';

/**
 * Folds a batch of events over the rows they touch, in log order, and returns the rows that
 * changed. Pure: the runner loads `rows` before and writes the result after.
 */
export function foldRows<Row extends { case_id: string }>(
  projection: CaseProjection<Row>,
  rows: ReadonlyMap<string, Row>,
  events: readonly RecordedEvent[],
): Row[] {
  const folded = new Map<string, Row | undefined>();
  for (const event of events) {
    const before = folded.has(event.streamId) ? folded.get(event.streamId) : rows.get(event.streamId);
    folded.set(event.streamId, projection.evolve(before, event));
  }
  return [...folded].flatMap(([id, row]) => (row && row !== rows.get(id) ? [row] : []));
}
