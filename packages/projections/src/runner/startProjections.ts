import { eventsChannel, runCatchUp, type Database } from '@cco/event-store';
import type { CaseProjection } from '../caseProjection';
import { projections as all } from '../projections';
import { defaultBatchSize, projectBatch } from './projectBatch';

export interface ProjectionsOptions {
  projections?: readonly CaseProjection[];
  batchSize?: number;
  /** Polling fallback when no NOTIFY comes. */
  idleMs?: number;
  /**
   * Steps of one projection start at least this far apart (default 200 ms): see runCatchUp. A step
   * costs ~8 statements whatever its size, so under load the read models trail by up to this
   * much more and the database does a fraction of the work; an idle log is applied at once.
   */
  minIntervalMs?: number;
  onError?: (projection: string, error: unknown, attempt: number) => void;
}

export interface RunningProjections {
  nudge(): void;
  stop(): Promise<void>;
}

/**
 * Keeps every projection caught up, each in its own loop: one that throws (a bad event, a bug)
 * backs off alone while the others go on. Woken by the store's NOTIFY, polling as a fallback.
 */
export function startProjections(database: Database<any>, options: ProjectionsOptions = {}): RunningProjections {
  const batchSize = options.batchSize ?? defaultBatchSize;
  const loops = (options.projections ?? all).map((projection) =>
    runCatchUp({
      step: () => projectBatch(database.db, projection, batchSize),
      wake: (nudge) => database.listen(eventsChannel, nudge),
      idleMs: options.idleMs ?? 2000,
      minIntervalMs: options.minIntervalMs ?? 200,
      fullBatch: batchSize,
      onError: (error, attempt) => options.onError?.(projection.name, error, attempt),
    }),
  );
  return {
    nudge: () => loops.forEach((loop) => loop.nudge()),
    stop: async () => {
      await Promise.all(loops.map((loop) => loop.stop()));
    },
  };
}
