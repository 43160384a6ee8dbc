import type { Executor } from '@cco/event-store';
import { projectBatch, readLag, type CaseProjection } from '../src/index';

/**
 * Runs `projection` until nothing committed is left behind. Not "until a batch is empty": a
 * transaction running anywhere on the server (other test files) holds readAll's horizon back
 * for a moment, and an empty batch then only means "not yet".
 */
export async function catchUp(db: Executor<any>, projection: CaseProjection, batchSize = 500): Promise<void> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    if ((await projectBatch(db, projection, batchSize)) > 0) continue;
    if ((await readLag(db, [projection]))[0]!.eventsBehind === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${projection.name} did not catch up`);
}
