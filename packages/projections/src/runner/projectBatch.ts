import { tryLockForTransaction, type Executor } from '@cco/event-store';
import { liveTarget, runnerLockOf, type CaseProjection } from '../caseProjection';
import { applyNextBatch } from './applyNextBatch';

export const defaultBatchSize = 500;

/**
 * One step of the live runner, in ONE transaction: lock → checkpoint → next events → rows →
 * checkpoint. Exactly-once in effect: the rows and the checkpoint commit together, so a crash
 * or a throwing handler mid-batch leaves both as they were and the batch is simply redone.
 * Another instance holding the lock makes this a no-op (0), never a second application.
 */
export async function projectBatch(db: Executor<any>, projection: CaseProjection, batchSize = defaultBatchSize): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryLockForTransaction(trx, runnerLockOf(projection)))) return 0;
    return applyNextBatch(trx, projection, liveTarget(projection), batchSize);
  });
}
