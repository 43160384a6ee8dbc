import { measureLag, type Executor, type LogPosition } from '@cco/event-store';
import { positionNameOf, type CaseProjection } from '../caseProjection';
import { projections as all } from '../projections';

export interface ProjectionLag {
  projection: string;
  position: LogPosition;
  /** Committed events after its position, i.e. not yet in the read model. */
  eventsBehind: number;
  /** Age of the oldest of them by record time; 0 when caught up. */
  secondsBehind: number;
}

/** How far each projection is behind the log (see measureLag). */
export async function readLag(db: Executor<any>, projections: readonly CaseProjection[] = all): Promise<ProjectionLag[]> {
  return Promise.all(
    projections.map(async (projection) => {
      const { position, events, seconds } = await measureLag(db, positionNameOf(projection));
      return { projection: projection.name, position, eventsBehind: events, secondsBehind: seconds };
    }),
  );
}
