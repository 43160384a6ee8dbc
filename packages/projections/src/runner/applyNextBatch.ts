import { compareLogPositions, readAll, readPosition, savePosition, type Executor, type LogPosition } from '@cco/event-store';
import type { CaseProjection, Target } from '../caseProjection';
import { applyEvents } from './applyEvents';

/**
 * In the caller's transaction (which must hold the target's lock): reads the log after the
 * target's checkpoint, applies it and moves the checkpoint, so rows and checkpoint commit or
 * vanish together. `until` stops at a position (a rebuild catching up with the live model).
 * Returns how many events it applied; 0 means caught up.
 */
export async function applyNextBatch(
  trx: Executor<any>,
  projection: CaseProjection,
  target: Target,
  batchSize: number,
  until?: LogPosition,
): Promise<number> {
  const from = await readPosition(trx, target.position);
  const read = await readAll(trx, from, batchSize);
  const events = until ? read.events.filter((e) => compareLogPositions(e, until) <= 0) : read.events;
  const last = events.at(-1);
  if (!last) return 0;
  await applyEvents(trx, projection, target, events);
  await savePosition(trx, target.position, { transactionId: last.transactionId, position: last.position });
  return events.length;
}
