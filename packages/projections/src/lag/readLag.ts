import { measureLag, type Executor, type LogPosition } from '@cco/event-store';
import { checkpointOf, type CaseProjection } from '../caseProjection';
import { projections as all } from '../projections';

export interface ProjectionLag {
  projection: string;
  checkpoint: LogPosition;
  /** Committed events after the checkpoint, i.e. not yet in the read model. */
  eventsBehind: number;
  /** Age of the oldest of them by record time; 0 when caught up. */
  secondsBehind: number;
}

/** How far each projection is behind the log (see measureLag). */
export async function readLag(db: Executor<any>, projections: readonly CaseProjection[] = all): Promise<ProjectionLag[]> {
  return Promise.all(
    projections.map(async (projection) => {
      const { checkpoint, events, seconds } = await measureLag(db, checkpointOf(projection));
      return { projection: projection.name, checkpoint, eventsBehind: events, secondsBehind: seconds };
    }),
  );
}
